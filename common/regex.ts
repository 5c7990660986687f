/**
 * Regular expressions from configs and flags, with Go's (RE2) syntax and semantics, as
 * blackbox_exporter and node_exporter read them, and matching in time linear in the input.
 * re2js is a JavaScript port of Go's regexp package: `(?P<name>…)`, `(?i)`, `\pL` and `\z` work
 * as there, lookaround and backreferences are refused with Go's messages, and bytes match as UTF-8.
 * Linear is still ~50–90 ns per byte for the worst patterns, so inputs over INLINE_LIMIT_BYTES
 * are matched on a worker thread and never hold the event loop.
 */
import { availableParallelism } from 'node:os';
import { RE2JS, RE2JSException } from 're2js';
import { WorkerPool } from './worker-pool.js';

export class RegexSyntaxError extends Error {
  constructor(
    readonly source: string,
    readonly detail: string,
  ) {
    super(`invalid regular expression ${JSON.stringify(source)}: ${detail}`);
    this.name = 'RegexSyntaxError';
  }
}

export interface RegexMatch {
  /** Where the match starts, in UTF-16 code units of the input. */
  index: number;
  /** Group 0 is the whole match; a group that took no part is undefined. */
  groups: (string | undefined)[];
}

const NAME_CHAR = /[A-Za-z0-9_]/;

export class GoRegExp {
  readonly #compiled: RE2JS;
  /** Capture group names by group number (undefined for unnamed groups). */
  readonly #groupNames: (string | undefined)[];

  /** Throws RegexSyntaxError with Go's message when RE2 refuses the pattern. */
  constructor(readonly source: string) {
    try {
      this.#compiled = RE2JS.compile(source);
    } catch (error) {
      if (!(error instanceof RE2JSException)) throw error;
      throw new RegexSyntaxError(source, error.message.replace(/^error parsing regexp: /, ''));
    }
    this.#groupNames = new Array<string | undefined>(this.#compiled.groupCount() + 1).fill(undefined);
    for (const [name, index] of Object.entries(this.#compiled.namedGroups())) this.#groupNames[index] = name;
  }

  /** Whether the pattern matches anywhere in `input` (bytes are read as UTF-8, as Go does). */
  test(input: string | Uint8Array): boolean {
    return this.#compiled.test(input);
  }

  /** The leftmost match with its capture groups, or null. */
  exec(input: string): RegexMatch | null {
    const matcher = this.#compiled.matcher(input);
    if (!matcher.find()) return null;
    const groups: (string | undefined)[] = [];
    for (let i = 0; i <= matcher.groupCount(); i++) groups.push(matcher.group(i) ?? undefined);
    return { index: matcher.start(), groups };
  }

  /**
   * Go's `Regexp.Expand`: `$1`, `${1}`, `$name`, `${name}` take the group's text (empty when the
   * group is unknown or took no part), `$$` is a dollar, a malformed reference stays as written.
   * `$name` takes the longest run of letters, digits and `_` (`$1x` means group `1x`).
   */
  expand(template: string, match: RegexMatch): string {
    let out = '';
    let i = 0;
    while (i < template.length) {
      const dollar = template.indexOf('$', i);
      if (dollar === -1) break;
      out += template.slice(i, dollar);
      i = dollar + 1;
      if (template[i] === '$') {
        out += '$';
        i++;
        continue;
      }
      const braced = template[i] === '{';
      let end = braced ? i + 1 : i;
      while (end < template.length && NAME_CHAR.test(template[end]!)) end++;
      const name = template.slice(braced ? i + 1 : i, end);
      if (name === '' || (braced && template[end] !== '}')) {
        out += '$';
        continue;
      }
      i = braced ? end + 1 : end;
      out += this.#group(match, name) ?? '';
    }
    return out + template.slice(i);
  }

  #group(match: RegexMatch, name: string): string | undefined {
    if (/^\d+$/.test(name)) return match.groups[Number(name)];
    const index = this.#groupNames.indexOf(name);
    return index === -1 ? undefined : match.groups[index];
  }
}

/** A config or flag regex, unanchored (blackbox's body, header and query_response regexes). */
export function compileRegex(source: string): GoRegExp {
  return new GoRegExp(source);
}

/**
 * A regex that must match the whole input, as node_exporter compiles its `--collector.*.exclude`
 * and `*.include` flags: `^(?:…)$`. The syntax error still quotes the pattern as given.
 */
export function compileAnchoredRegex(source: string): GoRegExp {
  new GoRegExp(source);
  return new GoRegExp(`^(?:${source})$`);
}

/** Inputs up to this size are matched on the calling thread (at worst a millisecond or two). */
export const INLINE_LIMIT_BYTES = 16 * 1024;

export interface MatchJob {
  sources: string[];
  input: string | Uint8Array;
}

let pool: WorkerPool<MatchJob, boolean[]> | undefined;

function matchPool(): WorkerPool<MatchJob, boolean[]> {
  pool ??= new WorkerPool<MatchJob, boolean[]>({
    script: new URL('./regex-worker.js', import.meta.url),
    size: Math.max(1, Math.min(2, availableParallelism() - 1)),
    maxQueued: 256,
    resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 16 },
  });
  return pool;
}

function byteLength(input: string | Uint8Array): number {
  return typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
}

/**
 * Whether each regex matches `input` (a probed body up to its size limit): the whole input at
 * once, as blackbox matches it, so a match spanning any boundary is found. Large inputs go to a
 * worker thread; aborting `signal` ends that match at once (the promise rejects with its reason).
 */
export async function testEach(regexes: readonly GoRegExp[], input: string | Uint8Array, signal?: AbortSignal): Promise<boolean[]> {
  if (regexes.length === 0) return [];
  if (byteLength(input) <= INLINE_LIMIT_BYTES) {
    signal?.throwIfAborted();
    return regexes.map((regex) => regex.test(input));
  }
  return matchPool().run({ sources: regexes.map((regex) => regex.source), input }, signal);
}

/** Ends the match threads (tests, shutdown); the next large match starts them again. */
export async function closeRegexWorkers(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await closing?.close();
}
