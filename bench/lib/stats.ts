/** Small statistics for benchmark samples. */

/** The p-th percentile (0–100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** `ours / theirs` as text, e.g. `0.82×`. */
export function ratio(ours: number, theirs: number): string {
  return theirs === 0 ? 'n/a' : `${(ours / theirs).toFixed(2)}×`;
}
