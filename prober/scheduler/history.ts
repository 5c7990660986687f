/**
 * Bounded availability history: per target, one (checks, successes, maintenance) triple per hour
 * for the last 7 days, in one small typed array. A maintenance check is a failed check taken while
 * an Alertmanager silence covered the target: it is kept apart and not counted as down. 24 h and
 * 7 d availability are sums over the newest buckets, so memory stays fixed (1,008 bytes per
 * target) however many checks run.
 */
const HOUR_MS = 3_600_000;
const HISTORY_HOURS = 7 * 24;
const MAX_COUNT = 0xffff;
/** Counters per hour slot: checks, successes, maintenance (failed inside a window). */
const STRIDE = 3;

export interface Availability {
  /** Successful checks over the checks outside maintenance, or undefined when there is none. */
  ratio: number | undefined;
  checks: number;
  /** Failed checks taken inside a maintenance window, not counted in `ratio`. */
  maintenance: number;
}

/** One saved hour: [hour number (ms / 1 h), checks, successes], and the maintenance checks when there were any. */
type SavedHour = [hour: number, checks: number, successes: number, maintenance?: number];

export class CheckHistory {
  /** Bytes it takes in a buffer shared with other counters (offset: a multiple of 2). */
  static readonly BYTES = HISTORY_HOURS * STRIDE * Uint16Array.BYTES_PER_ELEMENT;
  /** [checks, successes, maintenance] per hour slot, slot = hour number modulo HISTORY_HOURS. */
  private readonly counts: Uint16Array;
  /** Hour number (ms / 1 h) of the newest slot written; -1 before the first check. */
  private newestHour = -1;

  constructor(buffer = new ArrayBuffer(CheckHistory.BYTES), byteOffset = 0) {
    this.counts = new Uint16Array(buffer, byteOffset, HISTORY_HOURS * STRIDE);
  }

  /** Counts a check; `inMaintenance` marks a failed one as taken inside a maintenance window. */
  record(success: boolean, nowMs: number, inMaintenance = false): void {
    const hour = Math.floor(nowMs / HOUR_MS);
    this.advanceTo(hour);
    const slot = (hour % HISTORY_HOURS) * STRIDE;
    // Clamp rather than wrap: only checks more often than every 55 ms could overflow an hour.
    if (this.counts[slot]! < MAX_COUNT) {
      this.counts[slot]!++;
      if (success) this.counts[slot + 1]!++;
      else if (inMaintenance) this.counts[slot + 2]!++;
    }
  }

  /** Availability over the last `hours` hour slots, the current (partial) hour included. */
  availability(hours: number, nowMs: number): Availability {
    const hour = Math.floor(nowMs / HOUR_MS);
    let checks = 0;
    let successes = 0;
    let maintenance = 0;
    for (let h = hour - Math.min(hours, HISTORY_HOURS) + 1; h <= hour; h++) {
      if (h > this.newestHour || h <= this.newestHour - HISTORY_HOURS) continue;
      const slot = (h % HISTORY_HOURS) * STRIDE;
      checks += this.counts[slot]!;
      successes += this.counts[slot + 1]!;
      maintenance += this.counts[slot + 2]!;
    }
    const counted = checks - maintenance;
    return { ratio: counted === 0 ? undefined : successes / counted, checks, maintenance };
  }

  /** The hours with checks, for saving, oldest first. */
  hours(): SavedHour[] {
    const out: SavedHour[] = [];
    if (this.newestHour < 0) return out;
    for (let h = this.newestHour - HISTORY_HOURS + 1; h <= this.newestHour; h++) {
      const slot = (h % HISTORY_HOURS) * STRIDE;
      const [checks, successes, maintenance] = [this.counts[slot]!, this.counts[slot + 1]!, this.counts[slot + 2]!];
      // Without maintenance an hour is saved as before the counter existed: older programs read it.
      if (checks > 0) out.push(maintenance > 0 ? [h, checks, successes, maintenance] : [h, checks, successes]);
    }
    return out;
  }

  /**
   * Adds saved hours (as `hours()` gives them, or three numbers as saved before the maintenance
   * counter) that are still inside the window at `nowMs`; malformed entries are skipped.
   */
  restore(hours: readonly unknown[], nowMs: number): void {
    const current = Math.floor(nowMs / HOUR_MS);
    for (const entry of hours) {
      if (!Array.isArray(entry) || (entry.length !== 3 && entry.length !== 4) || !entry.every((n) => Number.isInteger(n) && n >= 0)) continue;
      const [hour, checks, successes, maintenance = 0] = entry as SavedHour;
      if (hour > current || hour <= current - HISTORY_HOURS || successes + maintenance > checks) continue;
      this.advanceTo(Math.max(hour, this.newestHour));
      const slot = (hour % HISTORY_HOURS) * STRIDE;
      this.counts[slot] = Math.min(MAX_COUNT, this.counts[slot]! + checks);
      this.counts[slot + 1] = Math.min(this.counts[slot]!, this.counts[slot + 1]! + successes);
      this.counts[slot + 2] = Math.min(this.counts[slot]! - this.counts[slot + 1]!, this.counts[slot + 2]! + maintenance);
    }
  }

  /** Clears the slots of the hours skipped since the last record, so old counts never come back. */
  private advanceTo(hour: number): void {
    if (hour <= this.newestHour) return;
    const from = this.newestHour < 0 ? hour - HISTORY_HOURS + 1 : Math.max(this.newestHour + 1, hour - HISTORY_HOURS + 1);
    for (let h = from; h <= hour; h++) this.counts.fill(0, (h % HISTORY_HOURS) * STRIDE, (h % HISTORY_HOURS + 1) * STRIDE);
    this.newestHour = hour;
  }
}

/** Checks kept per target for the status page's bar and sparkline. */
export const RECENT_CHECKS = 50;

/** One recent check: when it ended (unix seconds), the deciding attempt's duration, and why it failed (null: it succeeded). */
export type RecentCheck = [atSeconds: number, latencyMs: number, failure: string | null];

/** Failure reasons are a small fixed set; each is stored as its index here (0: success). */
const reasonCodes = new Map<string, number>();
const reasonNames: string[] = [''];
const MAX_REASONS = 255;

function reasonCode(reason: string): number {
  let code = reasonCodes.get(reason);
  if (code === undefined) {
    if (reasonNames.length > MAX_REASONS) return reasonCode('other');
    code = reasonNames.length;
    reasonNames.push(reason);
    reasonCodes.set(reason, code);
  }
  return code;
}

/** The last RECENT_CHECKS checks of a target in a ring of typed arrays: 450 bytes per target. */
export class RecentChecks {
  /** Bytes it takes in a buffer shared with other counters (offset: a multiple of 4). */
  static readonly BYTES = RECENT_CHECKS * (4 + 4 + 1);
  private readonly at: Uint32Array;
  private readonly latencyMs: Float32Array;
  private readonly reason: Uint8Array;
  private count = 0;

  constructor(buffer = new ArrayBuffer(RecentChecks.BYTES), byteOffset = 0) {
    this.at = new Uint32Array(buffer, byteOffset, RECENT_CHECKS);
    this.latencyMs = new Float32Array(buffer, byteOffset + 4 * RECENT_CHECKS, RECENT_CHECKS);
    this.reason = new Uint8Array(buffer, byteOffset + 8 * RECENT_CHECKS, RECENT_CHECKS);
  }

  record(nowMs: number, durationSeconds: number, failureReason: string | undefined): void {
    const slot = this.count % RECENT_CHECKS;
    this.at[slot] = Math.floor(nowMs / 1000);
    this.latencyMs[slot] = durationSeconds * 1000;
    this.reason[slot] = failureReason === undefined ? 0 : reasonCode(failureReason);
    this.count++;
  }

  /** Oldest first. */
  list(): RecentCheck[] {
    const length = Math.min(this.count, RECENT_CHECKS);
    const checks: RecentCheck[] = [];
    for (let i = this.count - length; i < this.count; i++) {
      const slot = i % RECENT_CHECKS;
      const code = this.reason[slot]!;
      checks.push([this.at[slot]!, Math.round(this.latencyMs[slot]! * 10) / 10, code === 0 ? null : reasonNames[code]!]);
    }
    return checks;
  }
}
