/**
 * Bounded availability history: per target, one (checks, successes) pair per hour for the last
 * 7 days, in one small typed array. 24 h and 7 d availability are sums over the newest buckets, so
 * memory stays fixed (672 bytes per target) however many checks run.
 */
const HOUR_MS = 3_600_000;
const HISTORY_HOURS = 7 * 24;
const MAX_COUNT = 0xffff;

export interface Availability {
  /** Fraction of successful checks, or undefined when there was no check in the window. */
  ratio: number | undefined;
  checks: number;
}

export class CheckHistory {
  /** [checks, successes] per hour slot, slot = hour number modulo HISTORY_HOURS. */
  private readonly counts = new Uint16Array(HISTORY_HOURS * 2);
  /** Hour number (ms / 1 h) of the newest slot written; -1 before the first check. */
  private newestHour = -1;

  record(success: boolean, nowMs: number): void {
    const hour = Math.floor(nowMs / HOUR_MS);
    this.advanceTo(hour);
    const slot = (hour % HISTORY_HOURS) * 2;
    // Clamp rather than wrap: only checks more often than every 55 ms could overflow an hour.
    if (this.counts[slot]! < MAX_COUNT) {
      this.counts[slot]!++;
      if (success) this.counts[slot + 1]!++;
    }
  }

  /** Availability over the last `hours` hour slots, the current (partial) hour included. */
  availability(hours: number, nowMs: number): Availability {
    const hour = Math.floor(nowMs / HOUR_MS);
    let checks = 0;
    let successes = 0;
    for (let h = hour - Math.min(hours, HISTORY_HOURS) + 1; h <= hour; h++) {
      if (h > this.newestHour || h <= this.newestHour - HISTORY_HOURS) continue;
      const slot = (h % HISTORY_HOURS) * 2;
      checks += this.counts[slot]!;
      successes += this.counts[slot + 1]!;
    }
    return { ratio: checks === 0 ? undefined : successes / checks, checks };
  }

  /** The hours with checks, for saving: [hour number (ms / 1 h), checks, successes], oldest first. */
  hours(): [hour: number, checks: number, successes: number][] {
    const out: [number, number, number][] = [];
    if (this.newestHour < 0) return out;
    for (let h = this.newestHour - HISTORY_HOURS + 1; h <= this.newestHour; h++) {
      const slot = (h % HISTORY_HOURS) * 2;
      if (this.counts[slot]! > 0) out.push([h, this.counts[slot]!, this.counts[slot + 1]!]);
    }
    return out;
  }

  /** Adds saved hours (as `hours()` gives them) that are still inside the window at `nowMs`; malformed entries are skipped. */
  restore(hours: readonly unknown[], nowMs: number): void {
    const current = Math.floor(nowMs / HOUR_MS);
    for (const entry of hours) {
      if (!Array.isArray(entry) || entry.length !== 3 || !entry.every((n) => Number.isInteger(n) && n >= 0)) continue;
      const [hour, checks, successes] = entry as [number, number, number];
      if (hour > current || hour <= current - HISTORY_HOURS || successes > checks) continue;
      this.advanceTo(Math.max(hour, this.newestHour));
      const slot = (hour % HISTORY_HOURS) * 2;
      this.counts[slot] = Math.min(MAX_COUNT, this.counts[slot]! + checks);
      this.counts[slot + 1] = Math.min(this.counts[slot]!, this.counts[slot + 1]! + successes);
    }
  }

  /** Clears the slots of the hours skipped since the last record, so old counts never come back. */
  private advanceTo(hour: number): void {
    if (hour <= this.newestHour) return;
    const from = this.newestHour < 0 ? hour - HISTORY_HOURS + 1 : Math.max(this.newestHour + 1, hour - HISTORY_HOURS + 1);
    for (let h = from; h <= hour; h++) {
      const slot = (h % HISTORY_HOURS) * 2;
      this.counts[slot] = 0;
      this.counts[slot + 1] = 0;
    }
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
  private readonly at = new Uint32Array(RECENT_CHECKS);
  private readonly latencyMs = new Float32Array(RECENT_CHECKS);
  private readonly reason = new Uint8Array(RECENT_CHECKS);
  private count = 0;

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
