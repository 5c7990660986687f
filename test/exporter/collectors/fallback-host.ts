/** A fake `FallbackHost` built from a fixture file: the platform, `os` answers and systeminformation answers of a macOS or Windows machine. */
import { readFileSync } from 'node:fs';
import type { CpuInfo } from 'node:os';
import type { Systeminformation } from 'systeminformation';
import type { FallbackHost, SystemInformation } from '../../../exporter/fallback/index.js';

export const FALLBACK_FIXTURES = new URL('../../fixtures/exporter-fallback/', import.meta.url);

interface HostFixture {
  platform: NodeJS.Platform;
  now: number;
  os: { cpus: CpuInfo[]; loadavg: number[]; uptime: number; hostname: string; release: string; type: string; version: string; machine: string };
  si: {
    mem: Systeminformation.MemData;
    fsSize: Systeminformation.FsSizeData[];
    networkStats: Systeminformation.NetworkStatsData[];
    fsStats: Systeminformation.FsStatsData | null;
    disksIO: Systeminformation.DisksIoData | null;
    osInfo: Systeminformation.OsData;
  };
}

export interface FakeHost extends FallbackHost {
  /** Edit to change what the next call answers. */
  readonly fixture: HostFixture;
  /** How often each systeminformation function was called. */
  readonly calls: Map<string, number>;
  nowMs: number;
}

function readHostFixture(name: string): HostFixture {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FALLBACK_FIXTURES), 'utf8')) as HostFixture;
}

export function fakeHost(name: string): FakeHost {
  const fixture = readHostFixture(name);
  const calls = new Map<string, number>();
  const answer = <K extends keyof HostFixture['si']>(key: K) => async (): Promise<HostFixture['si'][K]> => {
    calls.set(key, (calls.get(key) ?? 0) + 1);
    return structuredClone(fixture.si[key]);
  };
  const si: SystemInformation = {
    mem: answer('mem'),
    fsSize: answer('fsSize'),
    networkStats: answer('networkStats'),
    fsStats: answer('fsStats'),
    disksIO: answer('disksIO'),
    osInfo: answer('osInfo'),
  };
  const host: FakeHost = {
    platform: fixture.platform,
    fixture,
    calls,
    nowMs: fixture.now,
    now: () => host.nowMs,
    loadSystemInformation: async () => si,
    os: {
      cpus: () => structuredClone(fixture.os.cpus),
      loadavg: () => [...fixture.os.loadavg],
      uptime: () => fixture.os.uptime,
      hostname: () => fixture.os.hostname,
      release: () => fixture.os.release,
      type: () => fixture.os.type,
      version: () => fixture.os.version,
      machine: () => fixture.os.machine,
    },
  };
  return host;
}
