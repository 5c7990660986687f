/**
 * What the scheduler remembers about one target: its place in the schedule, the latest check's
 * result, counters and bounded history. Kept flat so 50,000 of them stay small.
 */
import { constLabelText } from '../../common/metrics.js';
import type { DueEntry } from './due-queue.js';
import { CheckHistory, RecentChecks } from './history.js';
import type { ResultShape } from './result-shape.js';
import type { TargetSpec } from './targets.js';

export type TargetStatus = 'unknown' | 'up' | 'down' | 'pending';

/** Upper bounds of the check duration histogram, in seconds. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
/** The histogram's per-bucket counts, +Inf and sum, at the start of a target's counter buffer. */
const DURATION_SLOTS = DURATION_BUCKETS.length + 2;
const DURATIONS_BYTES = DURATION_SLOTS * Float64Array.BYTES_PER_ELEMENT;

/** Series labels of a target: target, module, group and file labels (sorted), location. */
export function targetLabels(spec: TargetSpec, location: string | undefined): Record<string, string> {
  const labels: Record<string, string> = { target: spec.target, module: spec.group.module };
  for (const name of Object.keys(spec.labels).sort()) labels[name] = spec.labels[name]!;
  if (location !== undefined) labels.location = location;
  return labels;
}

/** FNV-1a of the target's key, as a fraction in [0, 1): its stable phase within the interval. */
function phaseFraction(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 2 ** 32;
}

export class TargetState implements DueEntry {
  /** The rendered label set: identity of the target across reloads. */
  readonly key: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly phase: number;
  spec: TargetSpec;

  nextDue = 0;
  heapIndex = -1;
  /** A check (its attempts and retry waits included) is running or waiting for a slot. */
  busy = false;
  removed = false;

  status: TargetStatus = 'unknown';
  /** When the status last changed between up and not up (ms since epoch). */
  sinceMs: number | undefined;
  lastCheckMs: number | undefined;
  lastDurationSeconds: number | undefined;
  lastFailureReason: string | undefined;
  lastFailureMs: number | undefined;
  certExpirySeconds: number | undefined;
  httpStatusCode: number | undefined;

  checksSucceeded = 0;
  checksFailed = 0;
  /** Per-bucket (not cumulative) counts, then +Inf, then the sum of durations. */
  readonly durations: Float64Array;
  readonly history: CheckHistory;
  readonly recent: RecentChecks;

  /** The latest check's probe metrics: their shared shape and this target's values. */
  shape: ResultShape | undefined;
  values: Float64Array | undefined;

  constructor(spec: TargetSpec, location: string | undefined) {
    this.spec = spec;
    this.labels = targetLabels(spec, location);
    this.key = constLabelText(this.labels);
    this.phase = phaseFraction(this.key);
    // One buffer for the three: a typed array of its own costs ~300 bytes of bookkeeping besides its data.
    const counters = new ArrayBuffer(DURATIONS_BYTES + CheckHistory.BYTES + RecentChecks.BYTES);
    this.durations = new Float64Array(counters, 0, DURATION_SLOTS);
    this.history = new CheckHistory(counters, DURATIONS_BYTES);
    this.recent = new RecentChecks(counters, DURATIONS_BYTES + CheckHistory.BYTES);
  }

  /**
   * Counts a finished check in the duration histogram, the hourly history and the recent checks;
   * `inMaintenance`: it failed inside a maintenance window, which the availability leaves out.
   */
  recordCheck(success: boolean, durationSeconds: number, failureReason: string | undefined, nowMs: number, inMaintenance = false): void {
    this.observeDuration(durationSeconds);
    this.history.record(success, nowMs, inMaintenance);
    this.recent.record(nowMs, durationSeconds, success ? undefined : failureReason ?? 'unknown');
  }

  private observeDuration(seconds: number): void {
    let bucket = 0;
    while (bucket < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[bucket]!) bucket++;
    this.durations[bucket]!++;
    this.durations[DURATION_BUCKETS.length + 1]! += seconds;
  }
}
