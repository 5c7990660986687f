/** The collectors for hosts without /proc (macOS, Windows, BSD), or for Linux when the fallback is forced. */
import type { CollectorDefinition } from '../types.js';
import { fallbackBoottimeCollector } from './boottime.js';
import { fallbackCpuCollector } from './cpu.js';
import { fallbackDiskstatsCollector } from './diskstats.js';
import { fallbackFilesystemCollector } from './filesystem.js';
import { fallbackLoadavgCollector } from './loadavg.js';
import { fallbackMeminfoCollector } from './memory.js';
import { fallbackNetdevCollector } from './network.js';
import { fallbackOsCollector } from './os.js';
import type { FallbackSources } from './sources.js';
import { realHost, SystemInfoReader, type FallbackHost, type SystemInfoTiming } from './system-info.js';
import { fallbackUnameCollector } from './uname.js';

export { realHost, SingleFlight,  type FallbackHost, type OsModule, type SystemInformation, type SystemInfoTiming } from './system-info.js';

/** One set of fallback collectors reading `host`, sharing one cache of systeminformation answers; in name order. */
export function fallbackCollectorsFor(host: FallbackHost = realHost, timing?: SystemInfoTiming): readonly CollectorDefinition[] {
  const sources: FallbackSources = { host, si: new SystemInfoReader(host, timing) };
  return [
    fallbackBoottimeCollector(sources),
    fallbackCpuCollector(sources),
    fallbackDiskstatsCollector(sources),
    fallbackFilesystemCollector(sources),
    fallbackLoadavgCollector(sources),
    fallbackMeminfoCollector(sources),
    fallbackNetdevCollector(sources),
    fallbackOsCollector(sources),
    fallbackUnameCollector(sources),
  ];
}
