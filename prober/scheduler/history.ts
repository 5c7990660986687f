/**
 * Bounded availability history: per target, one (checks, successes) pair per hour for the last
 * 7 days, in one small typed array. 24 h and 7 d availability are sums over the newest buckets, so
 * memory stays fixed (672 bytes per target) however many checks run.
 */
const HOUR_MS = 3_600_000;
export const HISTORY_HOURS = 7 * 24;
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
