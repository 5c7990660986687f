/**
 * Maintenance windows in the messages: Alertmanager's silences (one-off windows, as
 * platypus-maintenance makes them) asked for once per notification, from the first Alertmanager
 * that answers within the bound. Without an answer the message simply goes without these lines.
 */
import { matchersMatch } from '../maintenance/matchers.js';
import type { GettableSilence, Matcher, SilencesClient } from '../maintenance/silences.js';
import { formatTime } from './time-text.js';
import type { Labels } from './webhook.js';

export interface Silence {
  matchers: Matcher[];
  startsAtMs: number;
  endsAtMs: number;
  comment: string;
  state: string;
}

function silences(labels: Labels, all: readonly Silence[]): Silence[] {
  return all.filter((silence) => silence.matchers.length > 0 && matchersMatch(silence.matchers, labels));
}

function reason(silence: Silence): string {
  return silence.comment.trim() === '' ? '' : ` (${silence.comment.trim()})`;
}

/** "maintenance window ended at … (reason)", for a silence of these labels that ended after `afterMs`. */
export function endedNote(labels: Labels, all: readonly Silence[], afterMs: number, nowMs: number): string | undefined {
  const ended = silences(labels, all)
    .filter((silence) => silence.state === 'expired' && silence.endsAtMs > afterMs && silence.endsAtMs <= nowMs)
    .sort((a, b) => b.endsAtMs - a.endsAtMs)[0];
  return ended === undefined ? undefined : `maintenance window ended at ${formatTime(ended.endsAtMs)}${reason(ended)}`;
}

/** "in maintenance since … until … (reason)", for a silence of these labels open now. */
export function activeNote(labels: Labels, all: readonly Silence[]): string | undefined {
  const open = silences(labels, all)
    .filter((silence) => silence.state === 'active')
    .sort((a, b) => b.endsAtMs - a.endsAtMs)[0];
  return open === undefined ? undefined : `in maintenance since ${formatTime(open.startsAtMs)} until ${formatTime(open.endsAtMs)}${reason(open)}`;
}

function toSilence(silence: GettableSilence): Silence | undefined {
  const startsAtMs = Date.parse(silence.startsAt);
  const endsAtMs = Date.parse(silence.endsAt);
  if (!Array.isArray(silence.matchers) || !Number.isFinite(startsAtMs) || !Number.isFinite(endsAtMs)) return undefined;
  return { matchers: silence.matchers, startsAtMs, endsAtMs, comment: String(silence.comment ?? ''), state: String(silence.status?.state ?? '') };
}

/** The silences of the first Alertmanager (in the given order) that answers before `signal` ends. */
export async function fetchSilences(clients: readonly SilencesClient[], signal: AbortSignal): Promise<Silence[]> {
  const errors: string[] = [];
  for (const client of clients) {
    if (signal.aborted) break;
    try {
      return (await client.silences(signal)).flatMap((silence) => toSilence(silence) ?? []);
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  throw new Error(errors.length === 0 ? 'no Alertmanager answered in time' : errors.join('; '));
}
