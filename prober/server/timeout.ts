/**
 * The probe deadline, as blackbox's getTimeout: the scrape timeout Prometheus sends in
 * X-Prometheus-Scrape-Timeout-Seconds (120 s when absent or 0) minus the offset, replaced by the
 * module's timeout when that is positive and shorter, or when the offset left nothing.
 */
export const DEFAULT_SCRAPE_TIMEOUT_SECONDS = 120;

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
  if (!Number.isFinite(scrapeTimeout) || scrapeTimeout < 0) throw new TimeoutHeaderError(String(headerValue));
  if (scrapeTimeout === 0) scrapeTimeout = DEFAULT_SCRAPE_TIMEOUT_SECONDS;
  const maxTimeout = scrapeTimeout - offsetSeconds;
  if ((moduleTimeoutSeconds > 0 && moduleTimeoutSeconds < maxTimeout) || maxTimeout < 0) return moduleTimeoutSeconds;
  return maxTimeout;
}
