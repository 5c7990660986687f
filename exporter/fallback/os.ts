/** `node_os_info` and `node_os_version` from systeminformation `osInfo()` (sw_vers on macOS, the registry on Windows). */
import { majorMinor, osInfoDesc, osVersionDesc } from '../collectors/os.js';
import { defineCollector, NoDataError } from '../types.js';
import type { FallbackSources } from './sources.js';

/** The `id` os-release would give, where the platform has no os-release file. */
const PLATFORM_IDS: Partial<Record<NodeJS.Platform, string>> = { darwin: 'macos', win32: 'windows' };

export function fallbackOsCollector({ host, si }: FallbackSources) {
  const id = PLATFORM_IDS[host.platform] ?? host.platform;
  return defineCollector({
    name: 'os',
    defaultEnabled: true,
    description: 'Operating system name and version (systeminformation osInfo()).',
    create: () => {
      si.osInfo.refresh();
      return {
        async update(sink, signal) {
          const info = await si.osInfo.get(signal);
          if (info.distro === '') throw new NoDataError('systeminformation reported no OS name');
          const byLabel: Readonly<Record<string, string>> = {
            build_id: info.build,
            id,
            name: info.distro,
            pretty_name: info.distro,
            version: info.release,
            version_codename: info.codename,
            version_id: info.release,
          };
          sink.add(osInfoDesc, 1, osInfoDesc.labelNames.map((label) => byLabel[label] ?? ''));
          const version = majorMinor(info.release);
          if (version !== undefined) sink.add(osVersionDesc, version, [id, '', info.distro]);
        },
      };
    },
  });
}
