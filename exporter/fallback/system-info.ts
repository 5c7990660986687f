/**
 * What the fallback collectors read, behind one injectable `FallbackHost`: the platform, Node's `os`
 * module and systeminformation. systeminformation forks shells for most calls, so each of its calls
 * is cached for a while, shared between concurrent scrapes (single-flight) and bounded by a timeout;
 * it is imported lazily so Linux never loads it unless the fallback is forced.
 */
import os from 'node:os';
import type { Systeminformation } from 'systeminformation';
import { isTimeout, raceAbort, startDeadline } from '../../common/abort.js';
import { singleFlight } from '../../common/single-flight.js';

/** The systeminformation calls the fallback makes (a fake one in tests). `null` where si has no answer on a platform. */
export interface SystemInformation {
  mem(): Promise<Systeminformation.MemData>;
  fsSize(): Promise<Systeminformation.FsSizeData[]>;
  networkStats(interfaces: string): Promise<Systeminformation.NetworkStatsData[]>;
  fsStats(): Promise<Systeminformation.FsStatsData | null>;
  disksIO(): Promise<Systeminformation.DisksIoData | null>;
  osInfo(): Promise<Systeminformation.OsData>;
}

/** The parts of `node:os` the fallback reads. */
export type OsModule = Pick<typeof os, 'cpus' | 'loadavg' | 'uptime' | 'hostname' | 'release' | 'type' | 'version' | 'machine'>;

export interface FallbackHost {
  /** Which platform's names and gaps apply (`process.platform` on a real host). */
  readonly platform: NodeJS.Platform;
  readonly os: OsModule;
  loadSystemInformation(): Promise<SystemInformation>;
  /** Milliseconds since the epoch. */
  now(): number;
}

export const realHost: FallbackHost = Object.freeze({
  platform: process.platform,
  os,
  loadSystemInformation: () => import('systeminformation'),
  now: () => Date.now(),
});

/**
 * One in-flight call shared by every caller. Its answer is reused for `maxAgeMs`; until `maxStaleMs`
 * an older answer is still returned at once while a fresh call runs in the background, so a scrape
 * only waits for the call when there is no recent answer at all. A caller waits at most `timeoutMs`,
 * and a slow call is never started twice.
 */
export class SingleFlight<T> {
  readonly #call: () => Promise<T>;
  readonly #maxAgeMs: number;
  readonly #maxStaleMs: number;
  readonly #timeoutMs: number;
  #cached: { value: T; at: number } | undefined;

  constructor(fetch: () => Promise<T>, maxAgeMs: number, timeoutMs: number, maxStaleMs = maxAgeMs) {
    this.#call = singleFlight(async () => {
      const value = await fetch();
      this.#cached = { value, at: Date.now() };
      return value;
    });
    this.#maxAgeMs = maxAgeMs;
    this.#maxStaleMs = Math.max(maxAgeMs, maxStaleMs);
    this.#timeoutMs = timeoutMs;
  }

  /** Starts the call in the background (unless one is running); a failure is left for the next `get` to meet. */
  refresh(): void {
    this.#call().catch(() => undefined);
  }

  async get(signal?: AbortSignal): Promise<T> {
    const age = this.#cached === undefined ? Infinity : Date.now() - this.#cached.at;
    if (age < this.#maxAgeMs) return this.#cached!.value;
    if (age < this.#maxStaleMs) {
      this.refresh();
      return this.#cached!.value;
    }
    const deadline = startDeadline(this.#timeoutMs, signal);
    try {
      return await raceAbort(this.#call(), deadline.signal);
    } catch (error) {
      if (isTimeout(error) && signal?.aborted !== true) throw new Error(`systeminformation did not answer within ${this.#timeoutMs} ms`, { cause: error });
      throw error;
    } finally {
      deadline.clear();
    }
  }
}

export interface SystemInfoTiming {
  /** How long an answer is reused as it is (default 10 s): scrapes closer together than this share one call. */
  maxAgeMs?: number;
  /** Until this age (default 60 s) an answer is still served while a fresh call runs in the background. */
  maxStaleMs?: number;
  /** How long a scrape waits for a call when there is no answer to serve (default 5 s). */
  timeoutMs?: number;
}

/**
 * The cached, single-flight, time-bounded systeminformation calls one set of fallback collectors
 * shares. Each collector starts its calls when it is created, so the first scrape does not pay for
 * loading systeminformation and its first, slowest calls.
 */
export class SystemInfoReader {
  readonly memory: SingleFlight<Systeminformation.MemData>;
  readonly filesystems: SingleFlight<Systeminformation.FsSizeData[]>;
  /** Every interface's cumulative byte, error and drop counts. */
  readonly networks: SingleFlight<Systeminformation.NetworkStatsData[]>;
  /** Bytes read and written since boot, summed over all disks. */
  readonly diskBytes: SingleFlight<Systeminformation.FsStatsData | null>;
  /** Read and write operations since boot, summed over all disks. */
  readonly diskOperations: SingleFlight<Systeminformation.DisksIoData | null>;
  readonly osInfo: SingleFlight<Systeminformation.OsData>;

  constructor(host: FallbackHost, { maxAgeMs = 10_000, maxStaleMs = 60_000, timeoutMs = 5_000 }: SystemInfoTiming = {}) {
    const cached = <T>(call: (si: SystemInformation) => Promise<T>, ageMs = maxAgeMs): SingleFlight<T> =>
      new SingleFlight(async () => call(await host.loadSystemInformation()), ageMs, timeoutMs, maxStaleMs);
    this.memory = cached((si) => si.mem());
    this.filesystems = cached((si) => si.fsSize());
    this.networks = cached((si) => si.networkStats('*'));
    this.diskBytes = cached((si) => si.fsStats());
    this.diskOperations = cached((si) => si.disksIO());
    // Distribution and release do not change while the exporter runs.
    this.osInfo = cached((si) => si.osInfo(), 60 * 60_000);
  }
}
