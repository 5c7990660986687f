/** The exporter's metrics about itself: `process_*` and promhttp's handler counters, as node_exporter has them. */
import { describeMetric, MetricFamilies } from '../common/metrics.js';
import { collectProcessMetrics } from '../common/process-metrics.js';

const requestsDesc = describeMetric('promhttp_metric_handler_requests_total', 'Total number of scrapes by HTTP status code.', 'counter', ['code']);
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

  collect(): MetricFamilies {
    const families = new MetricFamilies();
    collectProcessMetrics(families);
    families.add(inFlightDesc, this.inFlight);
    for (const [code, count] of this.#requestsByCode) families.add(requestsDesc, count, [String(code)]);
    return families;
  }
}
