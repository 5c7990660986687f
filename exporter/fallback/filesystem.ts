/** `node_filesystem_{size,free,avail}_bytes` and `readonly` from systeminformation `fsSize()` (df on macOS, PowerShell on Windows). */
import { availDesc, filesystemFilterFlags, freeDesc, mountFilter, readonlyDesc, sizeDesc } from '../collectors/filesystem.js';
import { defineCollector, NoDataError } from '../types.js';
import type { FallbackSources } from './sources.js';

/**
 * Whether si's `rw` means anything for this mount: on Unix it looks up only devices that are paths in
 * the mount table and calls every other mount (tmpfs, devfs, map …) read-only.
 */
const knowsReadOnly = (platform: NodeJS.Platform, mount: { fs: string; rw: boolean | null }): mount is { fs: string; rw: boolean } =>
  mount.rw !== null && (platform === 'win32' || mount.fs.startsWith('/'));

export function fallbackFilesystemCollector({ host, si }: FallbackSources) {
  return defineCollector({
    name: 'filesystem',
    defaultEnabled: true,
    description: 'Filesystem sizes and read-only state (systeminformation fsSize()).',
    flags: filesystemFilterFlags,
    create: ({ options }) => {
      const ignored = mountFilter(options);
      si.filesystems.refresh();
      return {
        async update(sink, signal) {
          const list = (await si.filesystems.get(signal)).filter((f) => !ignored(f.mount, f.type));
          if (list.length === 0) throw new NoDataError('systeminformation reported no filesystems');
          for (const f of list) {
            const labels = [f.fs, '', f.type, f.mount];
            sink.add(sizeDesc, f.size, labels);
            sink.add(availDesc, f.available, labels);
            sink.add(freeDesc, f.size - f.used, labels);
            if (knowsReadOnly(host.platform, f)) sink.add(readonlyDesc, f.rw ? 0 : 1, labels);
          }
        },
      };
    },
  });
}
