/** The status of every target as plain data: the `/api/v1/targets` answer and the status page's input. */
import type { RecentCheck } from './history.js';
import type { Scheduler } from './scheduler.js';
import type { TargetState, TargetStatus } from './state.js';

/** What the page shows: the scheduler's state, or `maintenance` (an Alertmanager silence, see status-page/merge.ts). */
export type PageState = TargetStatus | 'maintenance';

/** The PanelSlow alert's threshold: an up target whose last check took longer (or over half its timeout) shows as slow. */
const SLOW_SECONDS = 2;

export interface TargetSnapshot {
  group: string;
  /** What people call it: its `panel` label, else the target. */
  name: string;
  target: string;
  module: string;
  /** Every series label except target and module. */
  labels: Record<string, string>;
  state: PageState;
  /** Up, but the last check took longer than `slowSeconds`. */
  slow: boolean;
  /** SLOW_SECONDS or half the group's timeout, whichever is shorter. */
  slowSeconds: number;
  /** Set with state `maintenance`: why, and until when (ISO 8601). */
  maintenance?: { reason: string; until: string | null };
  /** When the target last went from up to not up or back (ISO 8601), null before the first check. */
  since: string | null;
  lastCheck: string | null;
  latencySeconds: number | null;
  /** Fraction of successful checks over the last 24 h / 7 d (hourly buckets), null without checks. */
  availability24h: number | null;
  availability7d: number | null;
  /** Failed checks inside maintenance windows over the same 24 h / 7 d: left out of the availability (absent from older probers). */
  maintenanceChecks24h?: number;
  maintenanceChecks7d?: number;
  lastFailureReason: string | null;
  lastFailureAt: string | null;
  certExpiry: string | null;
  certDaysLeft: number | null;
  httpStatusCode: number | null;
  checks: { success: number; failure: number };
  /** The last checks, oldest first: [unix seconds, latency in ms, failure reason or null]. */
  recentChecks: RecentCheck[];
  intervalSeconds: number;
}

export interface StatusSnapshot {
  location: string | null;
  generatedAt: string;
  /** How often the status page asks again, in seconds. */
  refreshSeconds: number;
  summary: Record<PageState, number>;
  targets: TargetSnapshot[];
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export interface SnapshotOptions {
  /** Leaves out why checks failed (reasons, status codes), for a page shown without login. */
  hideErrors?: boolean;
}

const slowSeconds = (state: TargetState): number => Math.min(SLOW_SECONDS, state.spec.group.timeout / 2);

/** A target's snapshot without why its checks failed (reasons, status codes), for a page shown without login. */
export function withoutErrors(target: TargetSnapshot): TargetSnapshot {
  return {
    ...target,
    lastFailureReason: target.lastFailureReason === null ? null : 'failed',
    httpStatusCode: null,
    recentChecks: target.recentChecks.map(([at, ms, failure]) => [at, ms, failure === null ? null : 'failed']),
  };
}

function targetSnapshot(state: TargetState, now: number, { hideErrors = false }: SnapshotOptions = {}): TargetSnapshot {
  const { target: _target, module: _module, ...labels } = state.labels;
  const certExpiry = state.certExpirySeconds;
  const day = state.history.availability(24, now);
  const week = state.history.availability(7 * 24, now);
  const snapshot: TargetSnapshot = {
    group: state.spec.group.name,
    name: labels.panel || state.spec.target,
    target: state.spec.target,
    module: state.spec.group.module,
    labels,
    state: state.status,
    slow: state.status === 'up' && (state.lastDurationSeconds ?? 0) > slowSeconds(state),
    slowSeconds: slowSeconds(state),
    since: iso(state.sinceMs),
    lastCheck: iso(state.lastCheckMs),
    latencySeconds: state.lastDurationSeconds ?? null,
    availability24h: day.ratio ?? null,
    availability7d: week.ratio ?? null,
    maintenanceChecks24h: day.maintenance,
    maintenanceChecks7d: week.maintenance,
    lastFailureReason: state.lastFailureReason ?? null,
    lastFailureAt: iso(state.lastFailureMs),
    certExpiry: certExpiry === undefined ? null : iso(certExpiry * 1000),
    certDaysLeft: certExpiry === undefined ? null : Math.floor((certExpiry * 1000 - now) / 86_400_000),
    httpStatusCode: state.httpStatusCode ?? null,
    checks: { success: state.checksSucceeded, failure: state.checksFailed },
    recentChecks: state.recent.list(),
    intervalSeconds: state.spec.group.interval,
  };
  return hideErrors ? withoutErrors(snapshot) : snapshot;
}

/** Refresh period of the page: the shortest group interval, between 1 s and 30 s. */
function refreshSeconds(scheduler: Scheduler): number {
  let shortest = 30;
  for (const state of scheduler.targets()) shortest = Math.min(shortest, state.spec.group.interval);
  return Math.max(1, Math.ceil(shortest));
}

/** Targets ordered by group, then by target; the order the page shows them in. */
export function statusSnapshot(scheduler: Scheduler, now = Date.now(), options: SnapshotOptions = {}): StatusSnapshot {
  const summary: Record<PageState, number> = { up: 0, down: 0, pending: 0, unknown: 0, maintenance: 0 };
  const targets: TargetSnapshot[] = [];
  for (const state of scheduler.targets()) {
    summary[state.status]++;
    targets.push(targetSnapshot(state, now, options));
  }
  targets.sort((a, b) => (a.group === b.group ? (a.target < b.target ? -1 : a.target > b.target ? 1 : 0) : a.group < b.group ? -1 : 1));
  return { location: scheduler.location ?? null, generatedAt: new Date(now).toISOString(), refreshSeconds: refreshSeconds(scheduler), summary, targets };
}
