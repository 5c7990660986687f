/**
 * One notification in, one message out on every channel: the graph and facts within their
 * deadline, then Slack and email at once, each bounded; a channel's failure never stops the other.
 */
import { raceAbort } from '../common/abort.js';
import type { Logger } from '../common/logging.js';
import type { SilencesClient } from '../maintenance/silences.js';
import { alertName, describe } from './describe.js';
import type { EmailSender } from './email.js';
import { emailMessage } from './email-message.js';
import { makeGraph, type GraphOptions } from './graph.js';
import { GroupMemory, messageOf } from './group-memory.js';
import { fetchSilences, type Silence } from './maintenance-notes.js';
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
  /** How long the last message of a group is remembered, for reminders that say what changed. */
  forgetAfterMs?: number;
  /** Alertmanagers to ask for silences (the first that answers), for the maintenance lines; none: no such lines. */
  alertmanagers?: readonly SilencesClient[];
  /** Bound of that question; past it the message goes without those lines. */
  silencesTimeoutMs?: number;
}

/** Groups remembered at once: Alertmanager makes one per alert name and route, so tens in practice. */
const MAX_GROUPS = 1000;
const DEFAULT_FORGET_AFTER_MS = 25 * 3600_000;

export interface Delivery {
  channel: Channel;
  ok: boolean;
  error?: string;
}

export class Notifier {
  private readonly memory: GroupMemory;

  constructor(private readonly options: NotifierOptions) {
    this.memory = new GroupMemory({ maxGroups: MAX_GROUPS, forgetAfterMs: options.forgetAfterMs ?? DEFAULT_FORGET_AFTER_MS });
  }

  async notify(notification: Notification): Promise<Delivery[]> {
    const { metrics, logger } = this.options;
    if (notification.alerts.length === 0) return [];
    const [graph, silences] = await Promise.all([makeGraph(notification, this.options.graph), this.silences(notification)]);
    const now = Date.now();
    const { memory } = this;
    const previous = notification.groupKey === '' ? undefined : memory.last(notification.groupKey, now);
    const description = describe(notification, graph.facts, graph.missing, {
      nowMs: now,
      ...(previous === undefined ? {} : { previous }),
      ...(silences === undefined ? {} : { silences }),
    });
    if (graph.missing !== undefined) logger.warn({ group: notification.groupKey, reason: graph.missing }, 'Sending without a graph');
    const jobs: Array<[Channel, () => Promise<void>]> = [];
    const { slack, email } = this.options;
    if (slack !== undefined) jobs.push(['slack', () => slack.send(slackMessage(description, now), graph.png)]);
    if (email !== undefined) jobs.push(['email', () => email.send(emailMessage(description, now, graph.png !== undefined), graph.png)]);
    const deliveries = await Promise.all(
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
    // Alertmanager retries a notification nothing delivered: the retry must read as this one did.
    if (notification.groupKey !== '' && deliveries.some((delivery) => delivery.ok)) memory.remember(notification.groupKey, messageOf(notification, now, alertName));
    return deliveries;
  }

  /** Alertmanager's silences, or undefined (logged) when none answered in time. */
  private async silences(notification: Notification): Promise<Silence[] | undefined> {
    const { alertmanagers = [], silencesTimeoutMs = 2_000, logger } = this.options;
    if (alertmanagers.length === 0 || notification.status === 'resolved') return undefined;
    try {
      return await fetchSilences(alertmanagers, AbortSignal.timeout(silencesTimeoutMs));
    } catch (error) {
      logger.warn({ group: notification.groupKey, err: (error as Error).message }, 'Sending without maintenance windows: no Alertmanager answered');
      return undefined;
    }
  }
}
