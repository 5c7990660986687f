/**
 * Renders a prom-client registry from `getMetricsAsJSON()` in either format. Going through the
 * JSON form never touches the registry's own content type, so an OpenMetrics scrape cannot rename
 * counters for later text scrapes (prom-client's `metrics()` does, see NOTES.md trap 3).
 */
import type { MetricObjectWithValues, MetricValue, Registry } from 'prom-client';
import { escapeHelp, escapeLabelValue, formatValue } from '../common/metrics.js';

type Item = MetricObjectWithValues<MetricValue<string> & { metricName?: string }>;

function labelText(labels: Readonly<Record<string, string | number | undefined>>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(labels)) {
    if (value !== undefined) parts.push(`${name}="${escapeLabelValue(String(value))}"`);
  }
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function renderItem(item: Item, openMetrics: boolean): string {
  const type = String(item.type);
  const isCounter = type === 'counter';
  const family = openMetrics && isCounter && item.name.endsWith('_total') ? item.name.slice(0, -6) : item.name;
  const shownType = openMetrics && type === 'untyped' ? 'unknown' : type;
  let out = `# HELP ${family} ${escapeHelp(item.help)}\n# TYPE ${family} ${shownType}\n`;
  for (const value of item.values) {
    const name = value.metricName ?? (openMetrics && isCounter ? `${family}_total` : item.name);
    out += `${name}${labelText(value.labels)} ${formatValue(value.value)}\n`;
  }
  return out;
}

/** The registry's families in the Prometheus text format or OpenMetrics (without `# EOF`). */
export async function renderRegistry(registry: Registry, openMetrics: boolean): Promise<string> {
  const items = (await registry.getMetricsAsJSON()) as Item[];
  return items.map((item) => renderItem(item, openMetrics)).join('');
}
