/** /sys/fs/bcache/<set-uuid>: the number formats bcache prints (bch_hprint) and its multi-line attributes. */

const MULTIPLIERS: Readonly<Record<string, number>> = { k: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40, P: 2 ** 50, E: 2 ** 60, Z: 2 ** 70, Y: 2 ** 80 };

/**
 * A value as bcache's bch_hprint prints it ("20.4G", "-5.4k", "512"), as procfs reads it: the digit
 * after the point counts 1024ths in tenths (t * 10 / 1024), so it is divided by 10.24, and the
 * product is truncated to an integer. Undefined when the text is not such a number.
 */
export function dehumanize(text: string): number | undefined {
  const match = /^(-?)(\d+)(?:\.(\d+))?([kMGTPEZY]?)$/.exec(text.trim());
  if (match === null) return undefined;
  const [, sign, whole, fraction, unit] = match as unknown as [string, string, string, string | undefined, string];
  let magnitude: number;
  if (unit === '') magnitude = Number(fraction === undefined ? whole : `${whole}.${fraction}`);
  else magnitude = (Number(whole) + (fraction === undefined ? 0 : Number(fraction) / 10.24)) * (MULTIPLIERS[unit] as number);
  const value = Math.trunc(magnitude);
  return sign === '-' && value !== 0 ? -value : value;
}

export interface WritebackRateDebug {
  /** Bytes per second. */
  rate: number;
  dirty: number;
  target: number;
  proportional: number;
  integral: number;
  /** Bytes per second. */
  change: number;
}

const WRITEBACK_KEYS = ['rate', 'dirty', 'target', 'proportional', 'integral', 'change'] as const;

/** The last field of each line, after the per-key unit suffix is dropped. */
function keyedValues(text: string, source: string, keys: readonly string[], suffix: RegExp): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    const key = line.slice(0, colon);
    if (colon === -1 || !keys.includes(key)) continue;
    const raw = line.slice(colon + 1).trim().split(/\s+/).at(-1) ?? '';
    const value = dehumanize(raw.replace(suffix, ''));
    if (value === undefined) throw new Error(`${source}: cannot parse ${JSON.stringify(line)}`);
    values.set(key, value);
  }
  return values;
}

/** writeback_rate_debug of a backing device; a key the kernel does not print is 0, as in procfs. */
export function parseWritebackRateDebug(text: string, source: string): WritebackRateDebug {
  const values = keyedValues(text, source, WRITEBACK_KEYS, /\/sec$/);
  return Object.fromEntries(WRITEBACK_KEYS.map((key) => [key, values.get(key) ?? 0])) as unknown as WritebackRateDebug;
}

export interface PriorityStats {
  unusedPercent: number;
  metadataPercent: number;
}

/** priority_stats of a cache device (the Unused and Metadata lines; the rest is not exported). */
export function parsePriorityStats(text: string, source: string): PriorityStats {
  const values = keyedValues(text, source, ['Unused', 'Metadata'], /%$/);
  return { unusedPercent: values.get('Unused') ?? 0, metadataPercent: values.get('Metadata') ?? 0 };
}
