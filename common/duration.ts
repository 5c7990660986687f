/** Prometheus duration strings (`1h30m`, `5s`, `250ms`, `0`), as blackbox.yml and command-line flags use them. */
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_SECONDS = [365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001];

/** Seconds in `text`, or undefined when it is not a Prometheus duration. */
export function parseDurationSeconds(text: string): number | undefined {
  if (text === '0') return 0;
  const match = text === '' ? null : DURATION.exec(text);
  if (match === null) return undefined;
  let seconds = 0;
  for (let i = 0; i < UNIT_SECONDS.length; i++) {
    const count = match[i + 1];
    if (count !== undefined) seconds += Number(count) * UNIT_SECONDS[i]!;
  }
  return Math.round(seconds * 1000) / 1000;
}

/** The shortest Prometheus duration string for `seconds` (millisecond precision). */
export function formatDuration(seconds: number): string {
  let ms = Math.round(seconds * 1000);
  if (ms === 0) return '0s';
  let out = '';
  for (let i = 0; i < UNIT_SECONDS.length; i++) {
    const unitMs = UNIT_SECONDS[i]! * 1000;
    const count = Math.floor(ms / unitMs);
    if (count > 0) {
      out += `${count}${['y', 'w', 'd', 'h', 'm', 's', 'ms'][i]!}`;
      ms -= count * unitMs;
    }
  }
  return out;
}
