/**
 * The graph of one notification and the facts its text needs from Prometheus, made within one
 * deadline. Whatever fails, the answer says why, so the message can go without the image.
 */
import { isTimeout } from '../common/abort.js';
import type { Plot } from './chart-model.js';
import { svgToPng, type Png } from './chart-png.js';
import { renderSvg } from './chart-svg.js';
import { alertName, MAX_LISTED_ALERTS, type AlertFacts } from './describe.js';
import { alertPlots, hasGraph, PANEL_GRAPHS } from './graphs.js';
import type { GraphResult, NotifierMetrics } from './metrics.js';
import { panelNow } from './panel-state.js';
import { matchers, PrometheusError, type PrometheusClient } from './prometheus.js';
import type { Alert, Notification } from './webhook.js';

export interface GraphOptions {
  prometheus: PrometheusClient;
  /** How far back panel and host graphs look. */
  rangeSeconds: number;
  /** Alerts drawn in one graph; the others are only listed. */
  maxAlertsCharted: number;
  /** The whole budget: queries and drawing. */
  timeoutMs: number;
  fontFiles: readonly string[];
  metrics: NotifierMetrics;
}

export interface GraphOutcome {
  png?: Png;
  /** Why there is no graph. */
  missing?: string;
  facts: Map<Alert, AlertFacts>;
}

class RenderError extends Error {
  override name = 'RenderError';
}

/** The alerts the graph shows: the firing ones, or the resolved ones in an all-clear. */
function alertsToChart(notification: Notification, max: number): Alert[] {
  const firing = notification.alerts.filter((alert) => alert.status === 'firing');
  const shown = firing.length > 0 ? firing : notification.alerts;
  return shown.filter(hasGraph).slice(0, max);
}

function whyFailed(error: unknown, timeoutMs: number): { result: GraphResult; missing: string } {
  if (isTimeout(error)) return { result: 'timeout', missing: `the graph was not ready within ${timeoutMs / 1000}s (Prometheus slow or down)` };
  if (error instanceof RenderError) return { result: 'render_error', missing: `the graph could not be drawn: ${error.message}` };
  const cause = (error as { cause?: { code?: string } }).cause?.code;
  const text = error instanceof PrometheusError ? error.message : cause ?? (error as Error).message;
  return { result: 'prometheus_error', missing: `Prometheus did not answer (${text})` };
}

/** State of each listed panel alert now: failing locations and the true start; absent where unknown. */
async function panelFacts(notification: Notification, prometheus: PrometheusClient, now: number, signal: AbortSignal): Promise<Map<Alert, AlertFacts>> {
  const facts = new Map<Alert, AlertFacts>();
  const panels = notification.alerts
    .filter((alert) => alert.status === 'firing' && Object.hasOwn(PANEL_GRAPHS, alert.labels.alertname ?? ''))
    .slice(0, MAX_LISTED_ALERTS);
  await Promise.all(
    panels.map(async (alert) => {
      const { job, target, module } = alert.labels;
      const selected = Object.fromEntries(Object.entries({ job, target, module }).filter(([, value]) => value !== undefined)) as Record<string, string>;
      const selector = matchers(selected);
      const answers = await Promise.all([
        prometheus.query(`probe_success${selector}`, now, signal),
        prometheus.query(`probe_target_state_since_timestamp_seconds${selector}`, now, signal),
      ]).catch(() => undefined);
      if (answers === undefined) return;
      const state = panelNow(...answers);
      facts.set(alert, {
        failingLocations: state.failingLocations,
        ...(state.downSince === undefined ? {} : { downSinceMs: state.downSince * 1000 }),
      });
    }),
  );
  return facts;
}

async function draw(title: string, plots: Plot[], options: GraphOptions, signal: AbortSignal): Promise<Png> {
  const started = performance.now();
  try {
    const png = await svgToPng(renderSvg({ title, plots }), { fontFiles: options.fontFiles }, signal);
    options.metrics.renderSeconds.observe((performance.now() - started) / 1000);
    return png;
  } catch (error) {
    if (isTimeout(error) || signal.aborted) throw error;
    throw new RenderError((error as Error).message);
  }
}

export async function makeGraph(notification: Notification, options: GraphOptions, nowMs = Date.now()): Promise<GraphOutcome> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const now = nowMs / 1000;
  const started = performance.now();
  const factsWork = panelFacts(notification, options.prometheus, now, signal);
  const charted = alertsToChart(notification, options.maxAlertsCharted);
  const record = (result: GraphResult) => options.metrics.graphs.inc({ result });
  try {
    if (charted.length === 0) {
      record('none_defined');
      const names = [...new Set(notification.alerts.map((alert) => alert.labels.alertname ?? ''))].join(', ');
      return { missing: `no graph is defined for ${names}`, facts: await factsWork };
    }
    const plots = (await Promise.all(charted.map((alert) => alertPlots(alert, alertName(alert), options.prometheus, now, options.rangeSeconds, signal)))).flat();
    const firingCount = notification.alerts.filter((alert) => alert.status === 'firing').length;
    const title = `${charted[0]!.labels.alertname ?? ''}${charted.length < Math.max(firingCount, 1) ? ` (first ${charted.length})` : ''} · UTC`;
    const png = await draw(title, plots, options, signal);
    record('attached');
    options.metrics.graphSeconds.observe((performance.now() - started) / 1000);
    return { png, facts: await factsWork };
  } catch (error) {
    const { result, missing } = whyFailed(error, options.timeoutMs);
    record(result);
    return { missing, facts: await factsWork };
  }
}

/** Draws a throwaway graph, so the first alert does not pay for loading the chart library and the fonts. */
export async function warmUp(options: Pick<GraphOptions, 'fontFiles'>): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  await svgToPng(renderSvg({ title: 'warm-up', plots: [{ title: 'warm-up', start: now - 60, end: now, unit: 'number', series: [{ name: 'x', points: [[now - 60, 0], [now, 1]] }] }] }), options);
}
