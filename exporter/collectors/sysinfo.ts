/**
 * Fallback collectors for platforms without /proc (macOS, Windows, BSD), built on systeminformation.
 * Gauges only, same names as the Linux collectors where the meaning is the same. systeminformation
 * forks shells for most calls, so its answers are cached, shared between concurrent scrapes
 * (single-flight) and bounded by a timeout; it is imported lazily so Linux never loads it.
 */
import os from 'node:os';
import { isTimeout, raceAbort, startDeadline } from '../../common/abort.js';
import { singleFlight } from '../../common/single-flight.js';
import { defineCollector, NoDataError, type CollectorDefinition } from '../types.js';
import { availDesc, filesystemExcludeFlags, freeDesc, sizeDesc } from './filesystem.js';
import { load15Desc, load1Desc, load5Desc } from './loadavg.js';
import { meminfoDescriptors } from './meminfo.js';
import { osInfoDesc, osVersionDesc, majorMinor } from './os.js';
import { unameDesc } from './uname.js';

const SYSINFO_MAX_AGE_MS = 10_000;
const SYSINFO_TIMEOUT_MS = 5_000;

/** One in-flight call shared by every caller; its answer is reused for `maxAgeMs`. A slow call is awaited at most `timeoutMs` per caller but never started twice. */
export class SingleFlight<T> {
  readonly #call: () => Promise<T>;
  readonly #maxAgeMs: number;
  readonly #timeoutMs: number;
  #cached: { value: T; at: number } | undefined;

  constructor(fetch: () => Promise<T>, maxAgeMs: number, timeoutMs: number) {
    this.#call = singleFlight(async () => {
      const value = await fetch();
      this.#cached = { value, at: Date.now() };
      return value;
    });
    this.#maxAgeMs = maxAgeMs;
    this.#timeoutMs = timeoutMs;
  }

  async get(signal?: AbortSignal): Promise<T> {
    if (this.#cached !== undefined && Date.now() - this.#cached.at < this.#maxAgeMs) return this.#cached.value;
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

type Si = typeof import('systeminformation');
const loadSi = (): Promise<Si> => import('systeminformation');

const memory = new SingleFlight(async () => (await loadSi()).mem(), SYSINFO_MAX_AGE_MS, SYSINFO_TIMEOUT_MS);
const filesystems = new SingleFlight(async () => (await loadSi()).fsSize(), SYSINFO_MAX_AGE_MS, SYSINFO_TIMEOUT_MS);
const osInfo = new SingleFlight(async () => (await loadSi()).osInfo(), 60 * 60_000, SYSINFO_TIMEOUT_MS);

export const sysinfoMeminfoCollector = defineCollector({
  name: 'meminfo',
  defaultEnabled: true,
  description: 'Memory and swap totals (systeminformation).',
  create: () => ({
    async update(sink, signal) {
      const mem = await memory.get(signal);
      if (mem.total === 0) throw new NoDataError('systeminformation reported no memory');
      sink.add(meminfoDescriptors.get('MemTotal_bytes'), mem.total);
      sink.add(meminfoDescriptors.get('MemFree_bytes'), mem.free);
      sink.add(meminfoDescriptors.get('MemAvailable_bytes'), mem.available);
      sink.add(meminfoDescriptors.get('SwapTotal_bytes'), mem.swaptotal);
      sink.add(meminfoDescriptors.get('SwapFree_bytes'), mem.swapfree);
    },
  }),
});

export const sysinfoFilesystemCollector = defineCollector({
  name: 'filesystem',
  defaultEnabled: true,
  description: 'Filesystem sizes (systeminformation).',
  flags: filesystemExcludeFlags,
  create: ({ options }) => ({
    async update(sink, signal) {
      const { mountPointsExclude, fsTypesExclude } = options;
      const list = (await filesystems.get(signal)).filter((f) => !mountPointsExclude.test(f.mount) && !fsTypesExclude.test(f.type));
      if (list.length === 0) throw new NoDataError('systeminformation reported no filesystems');
      for (const f of list) {
        const labels = [f.fs, f.type, f.mount];
        sink.add(sizeDesc, f.size, labels);
        sink.add(availDesc, f.available, labels);
        sink.add(freeDesc, f.size - f.used, labels);
      }
    },
  }),
});

export const sysinfoLoadavgCollector = defineCollector({
  name: 'loadavg',
  defaultEnabled: true,
  description: 'Load averages (os.loadavg()).',
  create: () => ({
    async update(sink) {
      // Windows has no load average: os.loadavg() answers zeros there.
      if (process.platform === 'win32') throw new NoDataError('no load average on Windows');
      const [load1, load5, load15] = os.loadavg() as [number, number, number];
      sink.add(load1Desc, load1);
      sink.add(load5Desc, load5);
      sink.add(load15Desc, load15);
    },
  }),
});

export const sysinfoUnameCollector = defineCollector({
  name: 'uname',
  defaultEnabled: true,
  description: 'Kernel name, release, version and host name (os module).',
  create: () => ({
    async update(sink) {
      sink.add(unameDesc, 1, ['(none)', os.machine(), os.hostname(), os.release(), os.type(), os.version()]);
    },
  }),
});

export const sysinfoOsCollector = defineCollector({
  name: 'os',
  defaultEnabled: true,
  description: 'Distribution name and version (systeminformation).',
  create: () => ({
    async update(sink, signal) {
      const info = await osInfo.get(signal);
      if (info.distro === '') throw new NoDataError('systeminformation reported no OS name');
      const labels = osInfoDesc.labelNames.map((label) => {
        if (label === 'name' || label === 'pretty_name') return info.distro;
        if (label === 'id') return info.platform;
        if (label === 'version' || label === 'version_id') return info.release;
        if (label === 'version_codename') return info.codename;
        if (label === 'build_id') return info.build;
        return '';
      });
      sink.add(osInfoDesc, 1, labels);
      const version = majorMinor(info.release);
      if (version !== undefined) sink.add(osVersionDesc, version, [info.platform, '', info.distro]);
    },
  }),
});

export const sysinfoCollectors: readonly CollectorDefinition[] = [
  sysinfoFilesystemCollector,
  sysinfoLoadavgCollector,
  sysinfoMeminfoCollector,
  sysinfoOsCollector,
  sysinfoUnameCollector,
];
