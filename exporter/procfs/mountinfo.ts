/** /proc/PID/mountinfo (proc(5)): one mount per line, octal escapes (`\040`) decoded. */
import { procFilePath } from '../paths.js';
import type { HostPaths } from '../types.js';
import { readProcFile } from './read.js';

export interface MountInfo {
  /** The mount source, e.g. `/dev/vda1` or `tmpfs`: node_exporter's `device` label. */
  source: string;
  mountPoint: string;
  fsType: string;
  /** `MAJOR:MINOR` of the device (`0:38` for tmpfs). */
  majorMinor: string;
  /** Per-mount options (`ro`, `nosuid`, …). */
  options: string[];
  /** Per-superblock options, after the source. */
  superOptions: string[];
}

function unescapeOctal(text: string): string {
  return text.includes('\\') ? text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))) : text;
}

export function parseMountinfo(text: string, source = 'mountinfo'): MountInfo[] {
  const mounts: MountInfo[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const fields = line.split(' ');
    // Optional fields (shared:N, master:N) end at a lone "-".
    const separator = fields.indexOf('-', 6);
    if (fields.length < 10 || separator === -1 || fields.length < separator + 3) {
      throw new Error(`${source} line ${i + 1}: expected "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ... - FSTYPE SOURCE SUPEROPTIONS"`);
    }
    mounts.push({
      source: unescapeOctal(fields[separator + 2] as string),
      mountPoint: unescapeOctal(fields[4] as string),
      fsType: fields[separator + 1] as string,
      majorMinor: fields[2] as string,
      options: (fields[5] as string).split(','),
      superOptions: (fields[separator + 3] ?? '').split(','),
    });
  }
  return mounts;
}

/** Container hosts can have thousands of mounts: mountinfo gets a larger cap than other /proc files. */
const MOUNTINFO_READ_LIMIT = 16 * 1024 * 1024;

/** The host's mounts: PID 1's, or this process's where PID 1's are hidden (node_exporter mountPointDetails). */
export function readHostMountinfo(paths: HostPaths): MountInfo[] {
  const pid1 = procFilePath(paths, '1', 'mountinfo');
  try {
    return parseMountinfo(readProcFile(pid1, MOUNTINFO_READ_LIMIT), pid1);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EACCES') throw error;
    // PID 1's mounts are hidden (hidepid, or no PID 1 in this procfs): fall back to our own namespace.
    const self = procFilePath(paths, 'self', 'mountinfo');
    return parseMountinfo(readProcFile(self, MOUNTINFO_READ_LIMIT), self);
  }
}
