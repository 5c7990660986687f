/**
 * What the last message of each Alertmanager group said, so that the next one can tell what
 * changed. In memory only: a restart forgets, and the next message of a group reads as a first one.
 * Bounded in groups (the least recently sent is forgotten first) and in time.
 */
import type { Alert, Labels, Notification } from './webhook.js';

export interface RememberedAlert {
  name: string;
  labels: Labels;
}

export interface LastMessage {
  /** When it was sent (ms). */
  atMs: number;
  /** Its firing alerts, by fingerprint. */
  firing: ReadonlyMap<string, RememberedAlert>;
}

export interface GroupMemoryOptions {
  maxGroups: number;
  /** A group whose last message is older than this is forgotten (keep above the longest repeat_interval). */
  forgetAfterMs: number;
}

export class GroupMemory {
  private readonly groups = new Map<string, LastMessage>();

  constructor(private readonly options: GroupMemoryOptions) {}

  get size(): number {
    return this.groups.size;
  }

  last(groupKey: string, nowMs: number): LastMessage | undefined {
    const last = this.groups.get(groupKey);
    if (last !== undefined && nowMs - last.atMs > this.options.forgetAfterMs) {
      this.groups.delete(groupKey);
      return undefined;
    }
    return last;
  }

  /** Records a sent message; one with nothing firing (an all-clear) ends the group's memory. */
  remember(groupKey: string, message: LastMessage): void {
    this.groups.delete(groupKey);
    if (message.firing.size === 0) return;
    this.groups.set(groupKey, message);
    // Maps iterate in insertion order: the first groups are the least recently sent.
    for (const [key, last] of this.groups) {
      const expired = message.atMs - last.atMs > this.options.forgetAfterMs;
      if (!expired && this.groups.size <= this.options.maxGroups) break;
      this.groups.delete(key);
    }
  }
}

/** An alert's identity across messages: Alertmanager's fingerprint, else its labels. */
export function alertKey(alert: Alert): string {
  return alert.fingerprint !== '' ? alert.fingerprint : JSON.stringify(Object.entries(alert.labels).sort(([a], [b]) => a.localeCompare(b)));
}

/** What a sent message leaves to remember: its firing alerts. */
export function messageOf(notification: Notification, atMs: number, name: (alert: Alert) => string): LastMessage {
  const firing = notification.alerts.filter((alert) => alert.status === 'firing');
  return { atMs, firing: new Map(firing.map((alert) => [alertKey(alert), { name: name(alert), labels: alert.labels }])) };
}
