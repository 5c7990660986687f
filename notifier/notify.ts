/**
 * One notification in, one message out on every channel: the graph and facts within their
 * deadline, then Slack and email at once, each bounded; a channel's failure never stops the other.
 */
import { raceAbort } from '../common/abort.js';
import type { Logger } from '../common/logging.js';
import { describe } from './describe.js';
import type { EmailSender } from './email.js';
import { emailMessage } from './email-message.js';
import { makeGraph, type GraphOptions } from './graph.js';
import type { Channel, NotifierMetrics } from './metrics.js';
import type { SlackSender } from './slack.js';
import { slackMessage } from './slack-message.js';
import type { Notification } from './webhook.js';

export interface NotifierOptions {
  graph: GraphOptions;
  slack?: SlackSender;
  email?: EmailSender;
  /** Bound of each channel's whole delivery. */
  sendTimeoutMs: number;
  metrics: NotifierMetrics;
  logger: Logger;
}

export interface Delivery {
  channel: Channel;
  ok: boolean;
  error?: string;
}

export class Notifier {
  constructor(private readonly options: NotifierOptions) {}

  async notify(notification: Notification): Promise<Delivery[]> {
    const { metrics, logger } = this.options;
    if (notification.alerts.length === 0) return [];
    const graph = await makeGraph(notification, this.options.graph);
    const now = Date.now();
    const description = describe(notification, graph.facts, graph.missing);
    if (graph.missing !== undefined) logger.warn({ group: notification.groupKey, reason: graph.missing }, 'Sending without a graph');
    const jobs: Array<[Channel, () => Promise<void>]> = [];
    const { slack, email } = this.options;
    if (slack !== undefined) jobs.push(['slack', () => slack.send(slackMessage(description, now), graph.png)]);
    if (email !== undefined) jobs.push(['email', () => email.send(emailMessage(description, now, graph.png !== undefined), graph.png)]);
    return Promise.all(
      jobs.map(async ([channel, send]): Promise<Delivery> => {
        try {
          await raceAbort(send(), AbortSignal.timeout(this.options.sendTimeoutMs));
          metrics.sent.inc({ channel });
          return { channel, ok: true };
        } catch (error) {
          metrics.failed.inc({ channel });
          const message = (error as Error).message;
          logger.error({ channel, group: notification.groupKey, err: message }, 'Could not send the message');
          return { channel, ok: false, error: message };
        }
      }),
    );
  }
}
