/** Device filters (include or exclude, never both) and the flag pair that sets one. */
import { regexpFlag } from '../common/flags.js';
import type { GoRegExp } from '../common/regex.js';
import { NameMatcher } from './name-match.js';
import { collectorFlag } from './types.js';

export class DeviceFilter {
  readonly #include: NameMatcher | undefined;
  readonly #exclude: NameMatcher | undefined;

  /**
   * `what` names the flag pair in the error, e.g. `netdev`. `defaultExclude` (the very object the
   * exclude flag defaults to) gives way to an include instead of clashing with it. `pair` names the two flags in the error.
   */
  constructor(
    what: string,
    include: GoRegExp | undefined,
    exclude: GoRegExp | undefined,
    defaultExclude?: GoRegExp,
    pair = 'device include and device exclude',
  ) {
    const effectiveExclude = exclude === defaultExclude && include !== undefined ? undefined : exclude;
    if (include !== undefined && effectiveExclude !== undefined) {
      throw new Error(`${what}: ${pair} are mutually exclusive, set only one`);
    }
    this.#include = include === undefined ? undefined : new NameMatcher(include);
    this.#exclude = effectiveExclude === undefined ? undefined : new NameMatcher(effectiveExclude);
  }

  ignored(device: string): boolean {
    if (this.#include !== undefined) return !this.#include.test(device);
    return this.#exclude !== undefined && this.#exclude.test(device);
  }
}

/** `--collector.NAME.device-include` / `-exclude`, as netdev and diskstats take them. */
export function deviceFilterFlags(collector: string, what: string, defaultExclude: GoRegExp | undefined) {
  return {
    deviceInclude: collectorFlag(
      `collector.${collector}.device-include`,
      regexpFlag(`Regexp of ${what} to include (mutually exclusive to device-exclude).`, undefined),
    ),
    deviceExclude: collectorFlag(
      `collector.${collector}.device-exclude`,
      regexpFlag(`Regexp of ${what} to exclude (mutually exclusive to device-include).`, defaultExclude),
    ),
  };
}
