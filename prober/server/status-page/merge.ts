/**
 * One page for every location: this prober's targets and its peers' (their /api/v1/targets),
 * each target once, its state by PanelDown's rule (common/panel-rule.ts) over the locations that
 * check it, and "maintenance" where an Alertmanager silence matches the labels its PanelDown would carry.
 */
import { downByRule, locationsNeeded } from '../../../common/panel-rule.js';
import { maintenanceSilence } from '../../../maintenance/matchers.js';
import type { ActiveSilence } from '../../../maintenance/silences.js';
import type { PageState, StatusSnapshot, TargetSnapshot } from '../../scheduler/snapshot.js';

/** One location's view of a target. */
export interface LocationCheck {
  location: string;
  state: PageState;
  slow: boolean;
  latencySeconds: number | null;
  lastFailureReason: string | null;
  since: string | null;
}

export interface PageTarget extends TargetSnapshot {
  /** With peers: every location that checks the target, in the page's location order. */
  locations?: LocationCheck[];
}

/** What the page shows (`/api/v1/status`): a StatusSnapshot, with the locations when there are peers. */
export interface PageSnapshot extends StatusSnapshot {
  targets: PageTarget[];
  /** With peers: every location read, this prober's first. */
  locations?: string[];
  /** What could not be read, e.g. "location ams unreachable: timeout". */
  notices?: string[];
}

/** A peer's answer: its snapshot, or why there is none. */
export interface PeerSnapshot {
  location: string;
  snapshot?: StatusSnapshot;
  error?: string;
}

/** The same target from every location: the same target, module and labels but location. */
function rowKey(target: TargetSnapshot): string {
  const labels = Object.entries(target.labels).filter(([name]) => name !== 'location').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([target.target, target.module, labels]);
}

/** Which location's details (checks bar, latency, last failure) the row shows: the worst one. */
const DETAIL_RANK: Readonly<Record<PageState, number>> = { down: 0, pending: 1, up: 2, unknown: 3, maintenance: 4 };

const isChecking = (state: PageState): boolean => state === 'up' || state === 'down' || state === 'pending';

/** A target seen from one or more locations, as one row. */
function mergeTarget(seen: Array<{ location: string; target: TargetSnapshot }>, withLocations: boolean): PageTarget {
  const checks: LocationCheck[] = seen.map(({ location, target }) => ({
    location,
    state: target.state,
    slow: target.slow,
    latencySeconds: target.latencySeconds,
    lastFailureReason: target.lastFailureReason,
    since: target.since,
  }));
  const checking = checks.filter((check) => isChecking(check.state));
  const failing = checking.filter((check) => check.state === 'down');
  let state: PageState = 'unknown';
  if (downByRule(failing.length, checking.length)) state = 'down';
  else if (checking.some((check) => check.state !== 'up')) state = 'pending';
  else if (checking.length > 0) state = 'up';
  const detail = seen.reduce((worst, each) => (DETAIL_RANK[each.target.state] < DETAIL_RANK[worst.target.state] ? each : worst)).target;
  // Down since the needed-th location started failing, as the alert's "since".
  const starts = failing.map((check) => check.since).filter((since): since is string => since !== null).sort();
  const since = state === 'down' ? (starts[locationsNeeded(checking.length) - 1] ?? detail.since) : detail.since;
  const row: PageTarget = { ...detail, state, since, slow: state === 'up' && checking.every((check) => check.slow) };
  if (withLocations) {
    const { location: _location, ...labels } = detail.labels;
    row.labels = labels;
    row.locations = checks;
  }
  return row;
}

const byGroupThenTarget = (a: TargetSnapshot, b: TargetSnapshot): number =>
  a.group === b.group ? (a.target < b.target ? -1 : a.target > b.target ? 1 : 0) : a.group < b.group ? -1 : 1;

/**
 * The page's snapshot: `local` (this prober's), its peers' (reachable or not) and the silences in
 * force. Without peers and silences it is `local` as it is.
 */
export function mergeLocations(local: StatusSnapshot, peers: readonly PeerSnapshot[], silences: readonly ActiveSilence[], notices: string[] = []): PageSnapshot {
  const withLocations = peers.length > 0;
  const sources = [{ location: local.location ?? 'here', snapshot: local }, ...peers];
  const rows = new Map<string, Array<{ location: string; target: TargetSnapshot }>>();
  for (const { location, snapshot } of sources) {
    for (const target of snapshot?.targets ?? []) {
      const key = rowKey(target);
      const seen = rows.get(key) ?? [];
      seen.push({ location, target });
      rows.set(key, seen);
    }
  }
  const summary: Record<PageState, number> = { up: 0, down: 0, pending: 0, unknown: 0, maintenance: 0 };
  const targets: PageTarget[] = [];
  for (const seen of rows.values()) {
    const row = mergeTarget(seen, withLocations);
    const silence = maintenanceSilence({ ...row.labels, target: row.target, module: row.module }, silences);
    if (silence !== undefined) {
      row.state = 'maintenance';
      row.slow = false;
      row.maintenance = { reason: silence.comment, until: silence.endsAt.toISOString() };
    }
    summary[row.state]++;
    targets.push(row);
  }
  targets.sort(byGroupThenTarget);
  const unreachable = peers.filter((peer) => peer.snapshot === undefined).map((peer) => `location ${peer.location} unreachable: ${peer.error ?? 'no answer'}`);
  const page: PageSnapshot = { ...local, summary, targets };
  if (withLocations) {
    page.locations = sources.map((source) => source.location);
    page.location = page.locations.join(', ');
    page.refreshSeconds = Math.min(local.refreshSeconds, ...peers.map((peer) => peer.snapshot?.refreshSeconds ?? Infinity));
  }
  if (unreachable.length + notices.length > 0) page.notices = [...unreachable, ...notices];
  return page;
}
