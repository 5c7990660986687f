/**
 * The three btrfs ioctls node_exporter asks each mounted filesystem (linux/btrfs.h): FS_INFO (device count,
 * highest device id, fsid), DEV_INFO (a device's uuid, size, use and path) and GET_DEV_STATS (its error
 * counters). Structs are fixed-size with explicit 64-bit fields, so the layout is the same on every ABI.
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { endianness } from 'node:os';
import { callError, libcFunction } from './libc.js';

const MAGIC = 0x94;
const FS_INFO_SIZE = 1024;
const DEV_INFO_SIZE = 4096;
const DEV_STATS_SIZE = 1032;
/** _IOC(dir, type, nr, size) of asm-generic/ioctl.h: dir 2 is read, 3 read and write. */
const ioc = (dir: number, nr: number, size: number) => ((dir << 30) | (size << 16) | (MAGIC << 8) | nr) >>> 0;
export const BTRFS_IOC_FS_INFO = ioc(2, 31, FS_INFO_SIZE);
export const BTRFS_IOC_DEV_INFO = ioc(3, 30, DEV_INFO_SIZE);
export const BTRFS_IOC_GET_DEV_STATS = ioc(3, 52, DEV_STATS_SIZE);
/** write, read, flush, corruption, generation (enum btrfs_dev_stat_values). */
const DEV_STAT_VALUES = 5;
const PATH_OFFSET = DEV_INFO_SIZE - 1024;

const LITTLE = endianness() === 'LE';

export interface BtrfsFsInfo {
  maxId: number;
  numDevices: number;
  /** Dashed, as sysfs names the filesystem. */
  fsid: string;
}

export interface BtrfsDevice {
  devid: number;
  uuid: string;
  bytesUsed: number;
  totalBytes: number;
  /** The device's name, the last part of its path (`/dev/sda` → `sda`). */
  device: string;
  /** write, read, flush, corruption and generation errors, in that order. */
  errors: number[];
}

function view(buffer: Uint8Array, size: number): DataView {
  if (buffer.byteLength < size) throw new Error(`btrfs ioctl struct needs ${size} bytes, got ${buffer.byteLength}`);
  return new DataView(buffer.buffer, buffer.byteOffset, size);
}

/** 16 bytes as a dashed UUID, the way btrfs-progs and node_exporter print them. */
function uuidAt(buffer: Uint8Array, offset: number): string {
  const hex = Buffer.from(buffer.subarray(offset, offset + 16)).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function decodeFsInfo(buffer: Uint8Array, littleEndian = LITTLE): BtrfsFsInfo {
  const data = view(buffer, FS_INFO_SIZE);
  return { maxId: Number(data.getBigUint64(0, littleEndian)), numDevices: Number(data.getBigUint64(8, littleEndian)), fsid: uuidAt(buffer, 16) };
}

/** A DEV_INFO request: the device id in, the rest zero (a zero uuid matches any device). */
export function devInfoRequest(devid: number, littleEndian = LITTLE): Buffer {
  const buffer = Buffer.alloc(DEV_INFO_SIZE);
  view(buffer, DEV_INFO_SIZE).setBigUint64(0, BigInt(devid), littleEndian);
  return buffer;
}

export function decodeDevInfo(buffer: Uint8Array, littleEndian = LITTLE): Omit<BtrfsDevice, 'errors'> {
  const data = view(buffer, DEV_INFO_SIZE);
  const pathBytes = buffer.subarray(PATH_OFFSET, DEV_INFO_SIZE);
  const end = pathBytes.indexOf(0);
  const path = Buffer.from(pathBytes.subarray(0, end === -1 ? pathBytes.length : end)).toString('utf8');
  return {
    devid: Number(data.getBigUint64(0, littleEndian)),
    uuid: uuidAt(buffer, 8),
    bytesUsed: Number(data.getBigUint64(24, littleEndian)),
    totalBytes: Number(data.getBigUint64(32, littleEndian)),
    device: basename(path),
  };
}

/** A GET_DEV_STATS request for every counter, without resetting them (flags 0). */
export function devStatsRequest(devid: number, littleEndian = LITTLE): Buffer {
  const buffer = Buffer.alloc(DEV_STATS_SIZE);
  const data = view(buffer, DEV_STATS_SIZE);
  data.setBigUint64(0, BigInt(devid), littleEndian);
  data.setBigUint64(8, BigInt(DEV_STAT_VALUES), littleEndian);
  return buffer;
}

/** The error counters the kernel filled in (`nr_items` of them; older kernels may know fewer). */
export function decodeDevStats(buffer: Uint8Array, littleEndian = LITTLE): number[] {
  const data = view(buffer, DEV_STATS_SIZE);
  const items = Math.min(Number(data.getBigUint64(8, littleEndian)), DEV_STAT_VALUES);
  return Array.from({ length: DEV_STAT_VALUES }, (_, i) => (i < items ? Number(data.getBigUint64(24 + 8 * i, littleEndian)) : 0));
}

/**
 * Every device of the btrfs filesystem mounted at `mountPoint`, with its error counters. Device ids have
 * gaps (removed devices answer ENODEV) and need not start at 1. The ioctls only read in-memory state; the
 * open, which can wait on a hung mount, is asynchronous.
 */
export async function readBtrfsDevices(mountPoint: string): Promise<{ info: BtrfsFsInfo; devices: BtrfsDevice[] }> {
  // ioctl is variadic: koffi takes each extra argument's type before it.
  const ioctl = await libcFunction('int ioctl(int fd, unsigned long request, ...)');
  const handle = await open(mountPoint, 'r');
  try {
    const call = (request: number, buffer: Buffer, what: string): boolean => {
      const { result, errno } = ioctl(handle.fd, request, 'void *', buffer);
      if (result !== -1) return true;
      const error = callError(`${what} on ${mountPoint}`, errno);
      if (error.code === 'ENODEV') return false;
      throw error;
    };
    const fsInfo = Buffer.alloc(FS_INFO_SIZE);
    call(BTRFS_IOC_FS_INFO, fsInfo, 'BTRFS_IOC_FS_INFO');
    const info = decodeFsInfo(fsInfo);
    const devices: BtrfsDevice[] = [];
    for (let devid = 0; devid <= info.maxId && devices.length < info.numDevices; devid++) {
      const devInfo = devInfoRequest(devid);
      if (!call(BTRFS_IOC_DEV_INFO, devInfo, 'BTRFS_IOC_DEV_INFO')) continue;
      const devStats = devStatsRequest(devid);
      call(BTRFS_IOC_GET_DEV_STATS, devStats, 'BTRFS_IOC_GET_DEV_STATS');
      devices.push({ ...decodeDevInfo(devInfo), errors: decodeDevStats(devStats) });
    }
    return { info, devices };
  } finally {
    await handle.close();
  }
}
