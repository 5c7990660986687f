/**
 * Renders a prom-client registry from `getMetricsAsJSON()` in either format, with the line
 * formatting of common/metrics.ts. Going through the JSON form never touches the registry's own
 * content type, so an OpenMetrics scrape cannot rename counters for later text scrapes
 * (prom-client's `metrics()` does, see NOTES.md trap 3).
 */
import type { MetricObjectWithValues, MetricValue, Registry } from 'prom-client';
import { constLabelText, familyHeader, sampleLine, sampleName, type MetricType } from '../common/metrics.js';

type Item = MetricObjectWithValues<MetricValue<string> & { metricName?: string }>;

function renderItem(item: Item, openMetrics: boolean): string {
  const type = String(item.type) as MetricType;
  let out = familyHeader(item.name, item.help, type, openMetrics);
  const name = sampleName(item.name, type, openMetrics);
  for (const value of item.values) out += sampleLine(value.metricName ?? name, constLabelText(value.labels), value.value);
  return out;
}

/** The registry's families in the Prometheus text format or OpenMetrics (without `# EOF`). */
export async function renderRegistry(registry: Registry, openMetrics: boolean): Promise<string> {
  const items = (await registry.getMetricsAsJSON()) as Item[];
  return items.map((item) => renderItem(item, openMetrics)).join('');
}
