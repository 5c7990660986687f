/**
 * The Alertmanager webhook payload (version 4) and the JSON schema fastify checks it against
 * before any handler sees it: bounded counts and lengths, strings only where strings belong.
 */

export type Labels = Record<string, string>;

export interface Alert {
  status: 'firing' | 'resolved';
  labels: Labels;
  annotations: Labels;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface Notification {
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: Alert[];
  groupLabels: Labels;
  commonLabels: Labels;
  commonAnnotations: Labels;
  externalURL: string;
  version: string;
  groupKey: string;
  truncatedAlerts?: number;
}

/** Alertmanager sends at most `max_alerts` (default: all); a group larger than this is refused as malformed. */
const MAX_ALERTS_PER_NOTIFICATION = 1000;
const MAX_LABELS = 64;
const MAX_VALUE_LENGTH = 4096;

const text = { type: 'string', maxLength: MAX_VALUE_LENGTH } as const;
const labelSet = {
  type: 'object',
  maxProperties: MAX_LABELS,
  propertyNames: { maxLength: 256 },
  additionalProperties: text,
} as const;
const status = { type: 'string', enum: ['firing', 'resolved'] } as const;

export const notificationSchema = {
  type: 'object',
  required: ['status', 'alerts'],
  properties: {
    receiver: text,
    status,
    alerts: {
      type: 'array',
      maxItems: MAX_ALERTS_PER_NOTIFICATION,
      items: {
        type: 'object',
        required: ['status', 'labels'],
        properties: {
          status,
          labels: labelSet,
          annotations: labelSet,
          startsAt: text,
          endsAt: text,
          generatorURL: text,
          fingerprint: text,
        },
      },
    },
    groupLabels: labelSet,
    commonLabels: labelSet,
    commonAnnotations: labelSet,
    externalURL: text,
    version: text,
    groupKey: text,
    truncatedAlerts: { type: 'integer', minimum: 0 },
  },
} as const;

/** Fills what the schema lets a sender leave out, so later code sees one shape. */
export function normalizeNotification(body: Partial<Notification> & Pick<Notification, 'status' | 'alerts'>): Notification {
  return {
    receiver: body.receiver ?? '',
    status: body.status,
    alerts: body.alerts.map((alert) => ({
      status: alert.status,
      labels: alert.labels,
      annotations: alert.annotations ?? {},
      startsAt: alert.startsAt ?? '',
      endsAt: alert.endsAt ?? '',
      generatorURL: alert.generatorURL ?? '',
      fingerprint: alert.fingerprint ?? '',
    })),
    groupLabels: body.groupLabels ?? {},
    commonLabels: body.commonLabels ?? {},
    commonAnnotations: body.commonAnnotations ?? {},
    externalURL: body.externalURL ?? '',
    version: body.version ?? '',
    groupKey: body.groupKey ?? '',
    truncatedAlerts: body.truncatedAlerts ?? 0,
  };
}

/** A timestamp of the payload in ms, or undefined for Go's zero time and anything unparsable. */
export function parseAlertTime(value: string): number | undefined {
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}
