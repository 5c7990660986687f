/**
 * What a notification says, before it is formatted for Slack or email: readable names, the true
 * start, severity, subject, the lines for firing and resolved alerts, the links (each once).
 */
import { parseAlertTime, type Alert, type Notification } from './webhook.js';

/** Alerts listed by name in one message; the rest are counted. */
export const MAX_LISTED_ALERTS = 25;
/** Names in a subject or a Slack fallback before "and N more". */
const MAX_NAMES_IN_SUBJECT = 5;
const MAX_LINKS = 3;
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

export function describe(notification: Notification, facts: ReadonlyMap<Alert, AlertFacts>, graphMissing?: string): Description {
  const firingAlerts = notification.alerts.filter((alert) => alert.status === 'firing');
  const resolvedAlerts = notification.alerts.filter((alert) => alert.status === 'resolved');
  const alertname = notification.commonLabels.alertname ?? notification.groupLabels.alertname ?? [...new Set(notification.alerts.map((a) => a.labels.alertname ?? ''))].join(', ');
  const tone = toneOf(notification, firingAlerts);
  const listedFiring = firingAlerts.slice(0, MAX_LISTED_ALERTS);
  const listedResolved = resolvedAlerts.slice(0, Math.max(0, MAX_LISTED_ALERTS - listedFiring.length));
  const unlisted = notification.alerts.length - listedFiring.length - listedResolved.length + (notification.truncatedAlerts ?? 0);
  const named = tone === 'resolved' ? resolvedAlerts : firingAlerts;
  const names = nameList(named.map(alertName));
  const subject = tone === 'resolved' ? `[RESOLVED] ${alertname}: ${names}` : `[FIRING:${firingAlerts.length}] ${alertname}: ${names}`;
  const headline =
    tone === 'resolved'
      ? `${alertname}: ${resolvedAlerts.length} back to normal`
      : `${alertname}: ${firingAlerts.length} firing${resolvedAlerts.length > 0 ? `, ${resolvedAlerts.length} resolved` : ''}`;
  const fallback = tone === 'resolved' ? `Resolved ${alertname}: ${names}` : `${tone === 'critical' ? 'CRITICAL' : 'Warning'} ${alertname}: ${names}`;
  return {
    alertname,
    tone,
    subject,
    headline,
    fallback,
    firing: listedFiring.map((alert) => lineOf(alert, facts.get(alert))),
    resolved: listedResolved.map((alert) => lineOf(alert, undefined)),
    unlisted,
    links: linksOf(notification, notification.alerts),
    ...(graphMissing === undefined ? {} : { graphMissing }),
  };
}

/** `2026-12-02 15:04:05 UTC` */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `2h 5m`, `4m 10s`, `12s` */
export function formatSpan(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

/** "since 2026-12-02 15:04:05 UTC (for 4m 10s)" or "from … to … (13m 2s)"; empty when unknown. */
export function whenText(line: AlertLine, nowMs: number): string {
  if (line.sinceMs === undefined) return '';
  if (line.endedMs !== undefined) return `from ${formatTime(line.sinceMs)} to ${formatTime(line.endedMs)} (${formatSpan(line.endedMs - line.sinceMs)})`;
  return `since ${formatTime(line.sinceMs)} (for ${formatSpan(nowMs - line.sinceMs)})`;
}
