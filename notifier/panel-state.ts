/**
 * A panel's state across locations, by the rule PanelDown uses (common/panel-rule.ts): down when
 * at least two locations fail at once, or the only one when a single location checks it.
 */
import { locationsNeeded } from '../common/panel-rule.js';
import type { Series } from './prometheus.js';

/** Which series is which location: its `location` label, else its `instance`. */
export function locationName(labels: Record<string, string>): string {
  return labels.location ?? labels.instance ?? '';
}

/** Time ranges [from, to] (unix seconds) during which the panel was down, from probe_success over time. */
export function outageRanges(success: Series[], stepSeconds: number): Array<[number, number]> {
  const needed = locationsNeeded(success.length);
  if (needed === 0) return [];
  const failing = new Map<number, number>();
  for (const series of success) {
    for (const [time, value] of series.points) if (value === 0) failing.set(time, (failing.get(time) ?? 0) + 1);
  }
  const downTimes = [...failing].filter(([, count]) => count >= needed).map(([time]) => time).sort((a, b) => a - b);
  const ranges: Array<[number, number]> = [];
  for (const time of downTimes) {
    const last = ranges.at(-1);
    if (last !== undefined && time - last[1] <= stepSeconds) last[1] = time;
    else ranges.push([time, time]);
  }
  return ranges.map(([from, to]) => [from, to + stepSeconds]);
}

export interface PanelNow {
  /** Locations whose latest check failed. */
  failingLocations: number;
  /** When the panel went down by the rule above (unix seconds), if it is down now and the scheduler says. */
  downSince?: number;
}

/** Latest value per location. */
function byLocation(series: Series[]): Map<string, number> {
  const values = new Map<string, number>();
  for (const each of series) {
    const value = each.points.at(-1)?.[1];
    if (value !== undefined && Number.isFinite(value)) values.set(locationName(each.labels), value);
  }
  return values;
}

/**
 * From instant values of probe_success and probe_target_state_since_timestamp_seconds (one series
 * per location each): the panel went down when the last of the locations needed started failing.
 */
export function panelNow(success: Series[], stateSince: Series[]): PanelNow {
  const latest = byLocation(success);
  const since = byLocation(stateSince);
  const failing = [...latest].filter(([, value]) => value === 0).map(([where]) => where);
  const needed = locationsNeeded(latest.size);
  const starts = failing.map((where) => since.get(where)).filter((time): time is number => time !== undefined).sort((a, b) => a - b);
  const downSince = needed > 0 && starts.length >= needed && starts.length === failing.length ? starts[needed - 1] : undefined;
  return { failingLocations: failing.length, ...(downSince === undefined ? {} : { downSince }) };
}
