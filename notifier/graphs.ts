/**
 * Which graph each alert gets: the queries around it and the plots they become. Panel alerts
 * show latency and success per location with the outage shaded; host alerts the metric the rule
 * watches and its threshold; certificate alerts the days left.
 */
import type { Plot, Unit } from './chart-model.js';
import { locationName, outageRanges } from './panel-state.js';
import { matchers, type PrometheusClient, type Series } from './prometheus.js';
import type { Alert, Labels } from './webhook.js';

export interface GraphWindow {
  /** unix seconds */
  start: number;
  end: number;
  step: number;
}

interface MetricGraph {
  /** Labels of the alert that select its series. */
  selectBy: readonly string[];
  title: string;
  unit: Unit;
  threshold?: number;
  binary?: true;
  /** How far back the graph looks, when not the default window. */
  rangeSeconds?: number;
  query(selector: (extra?: Labels) => string): string;
}

const PROBE_LABELS = ['job', 'target', 'module'] as const;
const HOST_LABELS = ['job', 'instance'] as const;
const FILESYSTEM_LABELS = ['job', 'instance', 'mountpoint', 'device'] as const;

/** Must agree with the rules in prometheus/rules (a test checks every threshold there). */
export const METRIC_GRAPHS: Record<string, MetricGraph> = {
  CPUHigh: {
    selectBy: HOST_LABELS,
    title: 'CPU busy',
    unit: 'ratio',
    threshold: 0.9,
    query: (s) => `1 - avg without (cpu, mode) (rate(node_cpu_seconds_total${s({ mode: 'idle' })}[5m]))`,
  },
  MemoryLow: {
    selectBy: HOST_LABELS,
    title: 'Memory available',
    unit: 'ratio',
    threshold: 0.1,
    query: (s) => `node_memory_MemAvailable_bytes${s()} / node_memory_MemTotal_bytes${s()}`,
  },
  DiskFull: {
    selectBy: FILESYSTEM_LABELS,
    title: 'Disk space available',
    unit: 'ratio',
    threshold: 0.05,
    query: (s) => `node_filesystem_avail_bytes${s()} / node_filesystem_size_bytes${s()}`,
  },
  DiskFillingIn24h: {
    selectBy: FILESYSTEM_LABELS,
    title: 'Disk space available',
    unit: 'ratio',
    threshold: 0.4,
    rangeSeconds: 6 * 3600,
    query: (s) => `node_filesystem_avail_bytes${s()} / node_filesystem_size_bytes${s()}`,
  },
  LoadHigh: {
    selectBy: HOST_LABELS,
    title: '15-minute load per CPU',
    unit: 'number',
    threshold: 2,
    query: (s) => `node_load15${s()} / count without (cpu, mode) (node_cpu_seconds_total${s({ mode: 'idle' })})`,
  },
  ClockSkew: {
    selectBy: HOST_LABELS,
    title: 'Clock offset from Prometheus',
    unit: 'seconds',
    threshold: 1,
    query: (s) => `abs(node_time_seconds${s()} - timestamp(node_time_seconds${s()}))`,
  },
  ExporterDown: {
    selectBy: HOST_LABELS,
    title: 'Exporter scraped (up)',
    unit: 'number',
    binary: true,
    query: (s) => `up${s()}`,
  },
  CollectorFailing: {
    selectBy: [...HOST_LABELS, 'collector'],
    title: 'Collector success',
    unit: 'number',
    binary: true,
    query: (s) => `node_scrape_collector_success${s()}`,
  },
  CertificateExpiringSoon: {
    selectBy: PROBE_LABELS,
    title: 'Certificate days left',
    unit: 'days',
    threshold: 14,
    rangeSeconds: 7 * 86400,
    query: (s) => `(probe_ssl_earliest_cert_expiry${s()} - time()) / 86400`,
  },
  CertificateExpired: {
    selectBy: PROBE_LABELS,
    title: 'Certificate days left',
    unit: 'days',
    threshold: 3,
    rangeSeconds: 7 * 86400,
    query: (s) => `(probe_ssl_earliest_cert_expiry${s()} - time()) / 86400`,
  },
};

/** Panel alerts: latency (with this threshold line, if any) and success per location. */
export const PANEL_GRAPHS: Record<string, { latencyThreshold?: number }> = {
  PanelDown: {},
  PanelSlow: { latencyThreshold: 2 },
};

export function hasGraph(alert: Alert): boolean {
  const name = alert.labels.alertname ?? '';
  return Object.hasOwn(PANEL_GRAPHS, name) || Object.hasOwn(METRIC_GRAPHS, name);
}

function pick(labels: Labels, names: readonly string[]): Labels {
  return Object.fromEntries(names.filter((name) => labels[name] !== undefined).map((name) => [name, labels[name]!]));
}

/** Series of one plot are told apart by location (probes) or instance (hosts). */
function toPlotSeries(all: Series[]) {
  return all.map((series) => ({ name: locationName(series.labels) || 'value', points: series.points }));
}

/** A step for about 240 points in the range, never finer than 15 s. */
function windowFor(end: number, rangeSeconds: number): GraphWindow {
  const step = Math.max(15, Math.ceil(rangeSeconds / 240));
  return { start: end - rangeSeconds, end, step };
}

/** The plots of one alert; throws when Prometheus cannot answer. */
export async function alertPlots(
  alert: Alert,
  subject: string,
  prometheus: PrometheusClient,
  end: number,
  defaultRangeSeconds: number,
  signal: AbortSignal,
): Promise<Plot[]> {
  const name = alert.labels.alertname ?? '';
  const panel = PANEL_GRAPHS[name];
  if (panel !== undefined) {
    const window = windowFor(end, defaultRangeSeconds);
    const selector = matchers(pick(alert.labels, PROBE_LABELS));
    const [latency, success] = await Promise.all([
      prometheus.queryRange(`probe_duration_seconds${selector}`, window.start, window.end, window.step, signal),
      prometheus.queryRange(`probe_success${selector}`, window.start, window.end, window.step, signal),
    ]);
    const outages = outageRanges(success, window.step);
    return [
      { title: `${subject}: response time`, start: window.start, end: window.end, unit: 'seconds', series: toPlotSeries(latency), outages, ...(panel.latencyThreshold === undefined ? {} : { threshold: panel.latencyThreshold }) },
      { title: `${subject}: check succeeded`, start: window.start, end: window.end, unit: 'number', binary: true, series: toPlotSeries(success), outages },
    ];
  }
  const graph = METRIC_GRAPHS[name];
  if (graph === undefined) return [];
  const window = windowFor(end, graph.rangeSeconds ?? defaultRangeSeconds);
  const selected = pick(alert.labels, graph.selectBy);
  const query = graph.query((extra = {}) => matchers({ ...selected, ...extra }));
  const series = await prometheus.queryRange(query, window.start, window.end, window.step, signal);
  return [
    {
      title: `${subject}: ${graph.title}`,
      start: window.start,
      end: window.end,
      unit: graph.unit,
      series: toPlotSeries(series),
      ...(graph.threshold === undefined ? {} : { threshold: graph.threshold }),
      ...(graph.binary === true ? { binary: true } : {}),
    },
  ];
}
