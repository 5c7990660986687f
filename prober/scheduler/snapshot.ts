/** The status of every target as plain data: the `/api/v1/targets` answer and the status page's input. */
import type { Scheduler } from './scheduler.js';
import type { TargetState, TargetStatus } from './state.js';

export interface TargetSnapshot {
  group: string;
  target: string;
  module: string;
  /** Every series label except target and module. */
  labels: Record<string, string>;
  state: TargetStatus;
  /** When the target last went from up to not up or back (ISO 8601), null before the first check. */
  since: string | null;
  lastCheck: string | null;
  latencySeconds: number | null;
  /** Fraction of successful checks over the last 24 h / 7 d (hourly buckets), null without checks. */
  availability24h: number | null;
  availability7d: number | null;
  lastFailureReason: string | null;
  lastFailureAt: string | null;
  certExpiry: string | null;
  certDaysLeft: number | null;
  httpStatusCode: number | null;
  checks: { success: number; failure: number };
  intervalSeconds: number;
}

export interface StatusSnapshot {
  location: string | null;
  generatedAt: string;
  /** How often the status page asks again, in seconds. */
  refreshSeconds: number;
  summary: Record<TargetStatus, number>;
  targets: TargetSnapshot[];
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export function targetSnapshot(state: TargetState, now: number): TargetSnapshot {
  const { target: _target, module: _module, ...labels } = state.labels;
  const certExpiry = state.certExpirySeconds;
  return {
    group: state.spec.group.name,
    target: state.spec.target,
    module: state.spec.group.module,
    labels,
    state: state.status,
    since: iso(state.sinceMs),
    lastCheck: iso(state.lastCheckMs),
    latencySeconds: state.lastDurationSeconds ?? null,
    availability24h: state.history.availability(24, now).ratio ?? null,
    availability7d: state.history.availability(7 * 24, now).ratio ?? null,
    lastFailureReason: state.lastFailureReason ?? null,
    lastFailureAt: iso(state.lastFailureMs),
    certExpiry: certExpiry === undefined ? null : iso(certExpiry * 1000),
    certDaysLeft: certExpiry === undefined ? null : Math.floor((certExpiry * 1000 - now) / 86_400_000),
    httpStatusCode: state.httpStatusCode ?? null,
    checks: { success: state.checksSucceeded, failure: state.checksFailed },
    intervalSeconds: state.spec.group.interval,
  };
}

/** Refresh period of the page: the shortest group interval, between 1 s and 30 s. */
export function refreshSeconds(scheduler: Scheduler): number {
  let shortest = 30;
  for (const state of scheduler.targets()) shortest = Math.min(shortest, state.spec.group.interval);
  return Math.max(1, Math.ceil(shortest));
}

/** Targets ordered by group, then by target; the order the page shows them in. */
export function statusSnapshot(scheduler: Scheduler, now = Date.now()): StatusSnapshot {
  const summary: Record<TargetStatus, number> = { up: 0, down: 0, pending: 0, unknown: 0 };
  const targets: TargetSnapshot[] = [];
  for (const state of scheduler.targets()) {
    summary[state.status]++;
    targets.push(targetSnapshot(state, now));
  }
  targets.sort((a, b) => (a.group === b.group ? (a.target < b.target ? -1 : a.target > b.target ? 1 : 0) : a.group < b.group ? -1 : 1));
  return { location: scheduler.location ?? null, generatedAt: new Date(now).toISOString(), refreshSeconds: refreshSeconds(scheduler), summary, targets };
}
