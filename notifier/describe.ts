/**
 * What a notification says, before it is formatted for Slack or email: readable names, the true
 * start, severity, subject, the lines for firing and resolved alerts, the links (each once); and
 * for a group already notified, what changed since its last message.
 */
import { alertKey, type LastMessage } from './group-memory.js';
import { activeNote, endedNote, type Silence } from './maintenance-notes.js';
import { formatSpan, formatTime } from './time-text.js';
import { parseAlertTime, type Alert, type Notification } from './webhook.js';

/** Alerts listed by name in one message; the rest are counted. */
export const MAX_LISTED_ALERTS = 25;
/** Names in a subject or a Slack fallback before "and N more". */
const MAX_NAMES_IN_SUBJECT = 5;
const MAX_LINKS = 3;
/** How far back a maintenance window's end is told when the group has no last message remembered. */
const MAINTENANCE_LOOKBACK_MS = 10 * 60_000;
/** Alerts whose rule description only repeats the location count, which the notifier words itself. */
const DESCRIPTION_REPLACED = new Set(['PanelDown']);

export type Tone = 'critical' | 'warning' | 'resolved';

/** What Prometheus told about a panel alert beyond the payload. */
export interface AlertFacts {
  /** When the panel was first seen failing (ms), from the scheduler's state-change time. */
  downSinceMs?: number;
  /** Locations failing now. */
  failingLocations?: number;
}

export interface AlertLine {
  name: string;
  /** ms: the true start when known, else the alert's startsAt. */
  sinceMs?: number;
  endedMs?: number;
  /** e.g. "down from 3 locations"; only said when several. */
  scope?: string;
  detail?: string;
  /** In a follow-up: not firing in the group's last message. */
  isNew?: true;
  /** e.g. "maintenance window ended at 2026-12-02 10:00:00 UTC (kernel update)" */
  maintenance?: string;
}

/** A message about a group whose last message the notifier remembers, and that still fires. */
export interface FollowUp {
  /** `reminder`: nothing new fires and nothing resolved (Alertmanager's repeat); `update`: something did. */
  kind: 'reminder' | 'update';
  /** e.g. "Since the last message (2026-12-02 10:00:15 UTC): 1 new, 1 back to normal" */
  summary: string;
  /** Firing in the last message, neither firing nor resolved now: silenced, inhibited, or resolved unannounced. */
  gone: AlertLine[];
}

/** What describe needs beyond the notification and Prometheus' facts. */
export interface MessageContext {
  nowMs: number;
  /** The group's last message, when the notifier remembers it. */
  previous?: LastMessage;
  /** Alertmanager's silences, when one answered. */
  silences?: readonly Silence[];
}

export interface Description {
  alertname: string;
  tone: Tone;
  /** e.g. "[FIRING:2] PanelDown: panel-1, panel-2" */
  subject: string;
  /** Headline of the message body, e.g. "PanelDown: 2 firing, 1 resolved" */
  headline: string;
  /** Short plain text naming the alerts: what phones show (Slack's fallback). */
  fallback: string;
  firing: AlertLine[];
  resolved: AlertLine[];
  /** Alerts neither listed nor named (beyond the listing bound, or truncated by Alertmanager). */
  unlisted: number;
  links: Array<{ label: string; url: string }>;
  /** Why the message has no graph, when it has none. */
  graphMissing?: string;
  followUp?: FollowUp;
}

/** A panel's readable name: its `panel` label, its URL only when it has none; hosts by panel or instance. */
export function alertName(alert: Alert): string {
  const labels = alert.labels;
  const base = labels.panel ?? labels.target ?? labels.instance ?? labels.job ?? labels.alertname ?? 'alert';
  const where = [labels.mountpoint, labels.collector === undefined ? undefined : `collector ${labels.collector}`].filter((part) => part !== undefined);
  return where.length === 0 ? base : `${base} ${where.join(' ')}`;
}

function toneOf(notification: Notification, firing: Alert[]): Tone {
  if (notification.status === 'resolved' || firing.length === 0) return 'resolved';
  return firing.some((alert) => alert.labels.severity === 'critical') ? 'critical' : 'warning';
}

function nameList(names: string[]): string {
  const unique = [...new Set(names)];
  const shown = unique.slice(0, MAX_NAMES_IN_SUBJECT).join(', ');
  return unique.length > MAX_NAMES_IN_SUBJECT ? `${shown} and ${unique.length - MAX_NAMES_IN_SUBJECT} more` : shown;
}

function lineOf(alert: Alert, facts: AlertFacts | undefined): AlertLine {
  const name = alert.labels.alertname ?? '';
  const locations = facts?.failingLocations;
  const detail = alert.annotations.reason ?? (DESCRIPTION_REPLACED.has(name) ? undefined : alert.annotations.description ?? alert.annotations.summary);
  const sinceMs = facts?.downSinceMs ?? parseAlertTime(alert.startsAt);
  const endedMs = alert.status === 'resolved' ? parseAlertTime(alert.endsAt) : undefined;
  return {
    name: alertName(alert),
    ...(sinceMs === undefined ? {} : { sinceMs }),
    ...(endedMs === undefined ? {} : { endedMs }),
    ...(locations !== undefined && locations > 1 ? { scope: `from ${locations} locations` } : {}),
    ...(detail === undefined || detail === '' ? {} : { detail }),
  };
}

function linksOf(notification: Notification, alerts: Alert[]): Array<{ label: string; url: string }> {
  const urls = [...new Set(alerts.map((alert) => alert.generatorURL).filter((url) => /^https?:\/\//.test(url)))].slice(0, MAX_LINKS);
  const links = urls.map((url) => ({ label: 'Prometheus', url }));
  if (/^https?:\/\//.test(notification.externalURL)) links.push({ label: 'Alertmanager', url: notification.externalURL });
  return links;
}

function countText(parts: Array<[number, string]>): string {
  return parts.filter(([count]) => count > 0).map(([count, what]) => `${count} ${what}`).join(', ');
}

function followUpOf(notification: Notification, previous: LastMessage, lines: Map<Alert, AlertLine>, silences: readonly Silence[]): FollowUp {
  const firing = notification.alerts.filter((alert) => alert.status === 'firing');
  const resolved = notification.alerts.filter((alert) => alert.status === 'resolved');
  const newCount = firing.filter((alert) => !previous.firing.has(alertKey(alert))).length;
  for (const alert of firing) {
    const line = lines.get(alert);
    if (line !== undefined && !previous.firing.has(alertKey(alert))) line.isNew = true;
  }
  // With alerts left out by Alertmanager (max_alerts), an absent one may simply not have been sent.
  const present = new Set(notification.alerts.map(alertKey));
  const gone = (notification.truncatedAlerts ?? 0) > 0 ? [] : [...previous.firing].filter(([key]) => !present.has(key));
  const goneLines = gone.slice(0, MAX_LISTED_ALERTS).map(([, alert]): AlertLine => {
    const maintenance = activeNote(alert.labels, silences);
    return { name: alert.name, ...(maintenance === undefined ? {} : { maintenance }) };
  });
  const changes = countText([[newCount, 'new'], [resolved.length, 'back to normal'], [gone.length, 'no longer notified']]);
  return {
    kind: newCount === 0 && resolved.length === 0 ? 'reminder' : 'update',
    summary: `Since the last message (${formatTime(previous.atMs)}): ${changes === '' ? 'no change' : changes}`,
    gone: goneLines,
  };
}

export function describe(notification: Notification, facts: ReadonlyMap<Alert, AlertFacts>, graphMissing?: string, context: MessageContext = { nowMs: Date.now() }): Description {
  const firingAlerts = notification.alerts.filter((alert) => alert.status === 'firing');
  const resolvedAlerts = notification.alerts.filter((alert) => alert.status === 'resolved');
  const alertname = notification.commonLabels.alertname ?? notification.groupLabels.alertname ?? [...new Set(notification.alerts.map((a) => a.labels.alertname ?? ''))].join(', ');
  const tone = toneOf(notification, firingAlerts);
  const listedFiring = firingAlerts.slice(0, MAX_LISTED_ALERTS);
  const listedResolved = resolvedAlerts.slice(0, Math.max(0, MAX_LISTED_ALERTS - listedFiring.length));
  const unlisted = notification.alerts.length - listedFiring.length - listedResolved.length + (notification.truncatedAlerts ?? 0);
  const { previous, silences = [], nowMs } = context;
  const endedAfterMs = previous?.atMs ?? nowMs - MAINTENANCE_LOOKBACK_MS;
  const firingLines = new Map(listedFiring.map((alert): [Alert, AlertLine] => {
    const maintenance = endedNote(alert.labels, silences, endedAfterMs, nowMs);
    return [alert, { ...lineOf(alert, facts.get(alert)), ...(maintenance === undefined ? {} : { maintenance }) }];
  }));
  const followUp = previous !== undefined && tone !== 'resolved' ? followUpOf(notification, previous, firingLines, silences) : undefined;
  const reminder = followUp?.kind === 'reminder' ? 'Reminder: ' : '';
  const named = tone === 'resolved' ? resolvedAlerts : firingAlerts;
  const names = nameList(named.map(alertName));
  const subject = tone === 'resolved' ? `[RESOLVED] ${alertname}: ${names}` : `${reminder}[FIRING:${firingAlerts.length}] ${alertname}: ${names}`;
  const stillFiring = firingAlerts.filter((alert) => previous?.firing.has(alertKey(alert)) === true).length;
  let headline: string;
  if (tone === 'resolved') headline = `${alertname}: ${resolvedAlerts.length} back to normal`;
  else if (followUp === undefined) headline = `${alertname}: ${firingAlerts.length} firing${resolvedAlerts.length > 0 ? `, ${resolvedAlerts.length} resolved` : ''}`;
  else headline = `${reminder}${alertname}: ${countText([[firingAlerts.length - stillFiring, 'new'], [stillFiring, 'still firing'], [resolvedAlerts.length, 'resolved']])}`;
  const fallback = tone === 'resolved' ? `Resolved ${alertname}: ${names}` : `${reminder}${tone === 'critical' ? 'CRITICAL' : 'Warning'} ${alertname}: ${names}`;
  return {
    alertname,
    tone,
    subject,
    headline,
    fallback,
    firing: [...firingLines.values()],
    resolved: listedResolved.map((alert) => lineOf(alert, undefined)),
    unlisted,
    links: linksOf(notification, notification.alerts),
    ...(graphMissing === undefined ? {} : { graphMissing }),
    ...(followUp === undefined ? {} : { followUp }),
  };
}

export interface Section {
  title: string;
  lines: AlertLine[];
  /** Lines of alerts back to normal. */
  back: boolean;
}

/** The message body's lists, in order, the empty ones left out. */
export function sections(description: Description): Section[] {
  const { firing, resolved, followUp } = description;
  const list: Section[] =
    followUp === undefined
      ? [{ title: 'Firing', lines: firing, back: false }]
      : [
          { title: 'New since the last message', lines: firing.filter((line) => line.isNew === true), back: false },
          { title: 'Still firing', lines: firing.filter((line) => line.isNew !== true), back: false },
        ];
  list.push({ title: 'Back to normal', lines: resolved, back: true });
  if (followUp !== undefined) list.push({ title: 'No longer notified (silenced, inhibited, or resolved unannounced)', lines: followUp.gone, back: false });
  return list.filter((section) => section.lines.length > 0);
}

/** "since 2026-12-02 15:04:05 UTC (for 4m 10s)" or "from … to … (13m 2s)"; empty when unknown. */
export function whenText(line: AlertLine, nowMs: number): string {
  if (line.sinceMs === undefined) return '';
  if (line.endedMs !== undefined) return `from ${formatTime(line.sinceMs)} to ${formatTime(line.endedMs)} (${formatSpan(line.endedMs - line.sinceMs)})`;
  return `since ${formatTime(line.sinceMs)} (for ${formatSpan(nowMs - line.sinceMs)})`;
}
