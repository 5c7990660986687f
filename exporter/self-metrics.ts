/** The exporter's metrics about itself: `process_*` and promhttp's handler counters, as node_exporter has them. */
import { describeMetric, MetricFamilies } from '../common/metrics.js';
import { collectProcessMetrics } from '../common/process-metrics.js';

const requestsDesc = describeMetric('promhttp_metric_handler_requests_total', 'Total number of scrapes by HTTP status code.', 'counter', ['code']);
const errorsDesc = describeMetric(
  'promhttp_metric_handler_errors_total',
  'Total number of internal errors encountered by the promhttp metric handler.',
  'counter',
  ['cause'],
);
const inFlightDesc = describeMetric('promhttp_metric_handler_requests_in_flight', 'Current number of scrapes being served.', 'gauge');

export class SelfMetrics {
  readonly #requestsByCode = new Map<number, number>([
    [200, 0],
    [500, 0],
    [503, 0],
  ]);
  inFlight = 0;

  countResponse(statusCode: number): void {
    this.#requestsByCode.set(statusCode, (this.#requestsByCode.get(statusCode) ?? 0) + 1);
  }

  /** `gatheringErrors`: scrapes that dropped a clashing family (`HostScraper.gatheringErrors`). */
  collect(gatheringErrors = 0): MetricFamilies {
    const families = new MetricFamilies();
    collectProcessMetrics(families);
    families.add(errorsDesc, 0, ['encoding']);
    families.add(errorsDesc, gatheringErrors, ['gathering']);
    families.add(inFlightDesc, this.inFlight);
    for (const [code, count] of this.#requestsByCode) families.add(requestsDesc, count, [String(code)]);
    return families;
  }
}
