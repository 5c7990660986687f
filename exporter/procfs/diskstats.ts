/** /proc/diskstats (Documentation/admin-guide/iostats.rst), in base units: sectors × 512 → bytes, ms → seconds. */

const SECTOR_BYTES = 512;

export interface DiskStats {
  major: string;
  minor: string;
  device: string;
  readsCompleted: number;
  readsMerged: number;
  readBytes: number;
  readTimeSeconds: number;
  writesCompleted: number;
  writesMerged: number;
  writtenBytes: number;
  writeTimeSeconds: number;
  ioNow: number;
  ioTimeSeconds: number;
  ioTimeWeightedSeconds: number;
  /** Linux 4.18 and later. */
  discard?: { completed: number; merged: number; sectors: number; timeSeconds: number };
  /** Linux 5.5 and later. */
  flush?: { requests: number; timeSeconds: number };
}

export function parseDiskstats(text: string): DiskStats[] {
  const disks: DiskStats[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const f = line.split(' ').filter((field) => field !== '');
    if (f.length < 14) throw new Error(`/proc/diskstats line ${i + 1}: expected at least 14 fields, got ${f.length}`);
    const n: number[] = [];
    for (let j = 3; j < f.length; j++) {
      const value = Number(f[j]);
      if (Number.isNaN(value)) throw new Error(`/proc/diskstats line ${i + 1}: field ${j + 1} is not a number: ${JSON.stringify(f[j])}`);
      n.push(value);
    }
    const at = (index: number): number => n[index] as number;
    const disk: DiskStats = {
      major: f[0] as string,
      minor: f[1] as string,
      device: f[2] as string,
      readsCompleted: at(0),
      readsMerged: at(1),
      readBytes: at(2) * SECTOR_BYTES,
      readTimeSeconds: at(3) / 1000,
      writesCompleted: at(4),
      writesMerged: at(5),
      writtenBytes: at(6) * SECTOR_BYTES,
      writeTimeSeconds: at(7) / 1000,
      ioNow: at(8),
      ioTimeSeconds: at(9) / 1000,
      ioTimeWeightedSeconds: at(10) / 1000,
    };
    if (n.length >= 15) disk.discard = { completed: at(11), merged: at(12), sectors: at(13), timeSeconds: at(14) / 1000 };
    if (n.length >= 17) disk.flush = { requests: at(15), timeSeconds: at(16) / 1000 };
    disks.push(disk);
  }
  return disks;
}
