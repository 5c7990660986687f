/** The notifier's own metrics, on a registry of its own (never prom-client's global one). */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const CHANNELS = ['slack', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];
export const GRAPH_RESULTS = ['attached', 'prometheus_error', 'timeout', 'render_error', 'none_defined'] as const;
export type GraphResult = (typeof GRAPH_RESULTS)[number];

export class NotifierMetrics {
  readonly registry = new Registry();
  readonly received = new Counter({
    name: 'platypus_notifier_notifications_received_total',
    help: 'Alertmanager webhook notifications received, by whether they were valid.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly sent = new Counter({
    name: 'platypus_notifier_messages_sent_total',
    help: 'Messages delivered, by channel.',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });
  readonly failed = new Counter({
    name: 'platypus_notifier_messages_failed_total',
    help: 'Messages that could not be delivered, by channel.',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });
  readonly graphs = new Counter({
    name: 'platypus_notifier_graphs_total',
    help: 'Graphs made for notifications, by result: attached, or why the message went without one.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly renderSeconds = new Histogram({
    name: 'platypus_notifier_graph_render_duration_seconds',
    help: 'Time to draw one graph (SVG and PNG), once its data is there.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [this.registry],
  });
  readonly graphSeconds = new Histogram({
    name: 'platypus_notifier_graph_duration_seconds',
    help: 'Time to make one graph, Prometheus queries included.',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });

  constructor() {
    for (const channel of CHANNELS) {
      this.sent.inc({ channel }, 0);
      this.failed.inc({ channel }, 0);
    }
    for (const result of GRAPH_RESULTS) this.graphs.inc({ result }, 0);
    for (const result of ['valid', 'invalid']) this.received.inc({ result }, 0);
    collectDefaultMetrics({ register: this.registry });
  }
}
