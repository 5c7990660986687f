import type { FallbackHost, SystemInfoReader } from './system-info.js';

/** What every fallback collector reads from: the host (platform, `os`) and the shared systeminformation calls. */
export interface FallbackSources {
  readonly host: FallbackHost;
  readonly si: SystemInfoReader;
}
