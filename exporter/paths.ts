/** Where the host's pseudo-filesystems are, so containers (`--path.rootfs=/host`) and tests can point elsewhere. */
import { join, resolve } from 'node:path';
import type { HostPaths } from './types.js';

function defaultHostPaths(): HostPaths {
  return { procfs: '/proc', sysfs: '/sys', rootfs: '/' };
}

/** Fills in the defaults and makes each root absolute (flags may give relative paths). */
export function resolveHostPaths(paths: Partial<HostPaths> = {}): HostPaths {
  const defaults = defaultHostPaths();
  return {
    procfs: resolve(paths.procfs ?? defaults.procfs),
    sysfs: resolve(paths.sysfs ?? defaults.sysfs),
    rootfs: resolve(paths.rootfs ?? defaults.rootfs),
  };
}

export function procFilePath(paths: HostPaths, ...parts: string[]): string {
  return join(paths.procfs, ...parts);
}

export function sysFilePath(paths: HostPaths, ...parts: string[]): string {
  return join(paths.sysfs, ...parts);
}

export function rootfsFilePath(paths: HostPaths, ...parts: string[]): string {
  const path = join(paths.rootfs, ...parts);
  // Like Go's filepath.Join: `/host` + `/` is `/host`, not `/host/`.
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** A mount point as seen from the host: `/host/home` → `/home` when rootfs is `/host` (node_exporter paths.go). */
export function rootfsStripPrefix(paths: HostPaths, path: string): string {
  const root = paths.rootfs.length > 1 && paths.rootfs.endsWith('/') ? paths.rootfs.slice(0, -1) : paths.rootfs;
  if (root === '/' || root === '') return path;
  if (path === root) return '/';
  if (path.startsWith(root + '/')) return path.slice(root.length);
  return path;
}
