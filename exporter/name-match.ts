/**
 * A regex matched against names that come back on every scrape (vmstat and netstat fields,
 * devices): each distinct name is matched once. re2js costs microseconds per match, and a
 * scrape matches a few hundred names.
 */
import type { GoRegExp } from '../common/regex.js';

/** Names remembered at most; past it the memory starts over (names that churn, e.g. short-lived interfaces). */
const MAX_NAMES = 4096;

export class NameMatcher {
  readonly #regex: GoRegExp;
  readonly #matched = new Map<string, boolean>();

  constructor(regex: GoRegExp) {
    this.#regex = regex;
  }

  test(name: string): boolean {
    let matched = this.#matched.get(name);
    if (matched === undefined) {
      if (this.#matched.size >= MAX_NAMES) this.#matched.clear();
      matched = this.#regex.test(name);
      this.#matched.set(name, matched);
    }
    return matched;
  }
}
