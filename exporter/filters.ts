/** Device filters (include or exclude, never both) and node_exporter 1.5.0's default excludes. */

export const DEFAULT_DISKSTATS_DEVICE_EXCLUDE = /^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/;
/** Debian's node_exporter 1.5.0 default; upstream leaves it empty. */
export const DEFAULT_NETDEV_DEVICE_EXCLUDE = /^lo$/;
export const DEFAULT_FILESYSTEM_MOUNT_POINTS_EXCLUDE =
  /^\/(dev|proc|run|sys|mnt|media|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+)($|\/)/;
export const DEFAULT_FILESYSTEM_FS_TYPES_EXCLUDE =
  /^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$/;
export const DEFAULT_VMSTAT_FIELDS = /^(oom_kill|pgpg|pswp|pg.*fault).*/;

export class DeviceFilter {
  readonly #include: RegExp | undefined;
  readonly #exclude: RegExp | undefined;

  /** `what` names the flag pair in the error, e.g. `netdev`. */
  constructor(what: string, include: RegExp | undefined, exclude: RegExp | undefined) {
    if (include !== undefined && exclude !== undefined) {
      throw new Error(`${what}: device include and device exclude are mutually exclusive, set only one`);
    }
    this.#include = include;
    this.#exclude = exclude;
  }

  ignored(device: string): boolean {
    if (this.#include !== undefined) return !this.#include.test(device);
    return this.#exclude !== undefined && this.#exclude.test(device);
  }
}
