/**
 * The probe deadline, as blackbox's getTimeout: the scrape timeout Prometheus sends in
 * X-Prometheus-Scrape-Timeout-Seconds (120 s when absent or 0) minus the offset, replaced by the
 * module's timeout when that is positive and shorter, or when the offset left nothing. Values
 * out of range are clamped to 0–MAX_TIMEOUT_SECONDS; only text that is not a number is an error.
 */
export const DEFAULT_SCRAPE_TIMEOUT_SECONDS = 120;
/** The longest probe deadline: an hour, far past any scrape timeout, and well inside what a Node timer can hold (24.8 days). */
export const MAX_TIMEOUT_SECONDS = 3600;

export class TimeoutHeaderError extends Error {
  constructor(value: string) {
    super(`Failed to parse timeout from Prometheus header: ${JSON.stringify(value)} is not a number of seconds`);
    this.name = 'TimeoutHeaderError';
  }
}

export function computeTimeoutSeconds(
  headerValue: string | number | undefined,
  moduleTimeoutSeconds: number,
  offsetSeconds: number,
): number {
  let scrapeTimeout = 0;
  if (typeof headerValue === 'number') {
    scrapeTimeout = headerValue;
  } else if (headerValue !== undefined && headerValue !== '') {
    scrapeTimeout = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(headerValue) ? Number(headerValue) : NaN;
  }
  if (Number.isNaN(scrapeTimeout)) throw new TimeoutHeaderError(String(headerValue));
  // A number out of range is clamped: a negative one is no header, a huge one (1e10, 1e400) the longest deadline.
  scrapeTimeout = Math.min(Math.max(scrapeTimeout, 0), MAX_TIMEOUT_SECONDS);
  if (scrapeTimeout === 0) scrapeTimeout = DEFAULT_SCRAPE_TIMEOUT_SECONDS;
  const maxTimeout = scrapeTimeout - offsetSeconds;
  if ((moduleTimeoutSeconds > 0 && moduleTimeoutSeconds < maxTimeout) || maxTimeout < 0) return Math.min(moduleTimeoutSeconds, MAX_TIMEOUT_SECONDS);
  return maxTimeout;
}
