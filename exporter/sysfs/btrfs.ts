/** /sys/fs/btrfs/<uuid>: the numbers procfs's btrfs package reads, and the ratio of each allocation layout. */

/** An unsigned decimal attribute; anything else (or no file) is 0, as procfs reads it. */
export function unsignedOrZero(text: string | undefined): number {
  const trimmed = text?.trim() ?? '';
  return /^\d+$/.test(trimmed) ? Number(trimmed) : 0;
}

/** Bytes stored per byte of data in a layout (profile); raid5 and raid6 depend on the filesystem's device count. */
export function layoutRatio(mode: string, devices: number): number {
  switch (mode) {
    case 'single':
    case 'raid0':
      return 1;
    case 'dup':
    case 'raid1':
    case 'raid10':
      return 2;
    case 'raid1c3':
      return 3;
    case 'raid1c4':
      return 4;
    case 'raid5':
      return devices / (devices - 1);
    case 'raid6':
      return devices / (devices - 2);
    default:
      return 0;
  }
}

export interface CommitStats {
  commits: number;
  lastCommitMs: number;
  maxCommitMs: number;
  totalCommitMs: number;
}

const COMMIT_KEYS: Readonly<Record<string, keyof CommitStats>> = {
  commits: 'commits',
  last_commit_ms: 'lastCommitMs',
  max_commit_ms: 'maxCommitMs',
  total_commit_ms: 'totalCommitMs',
};

/** commit_stats (Linux 6.0+): `<key> <value>` lines; a key the kernel does not print is 0; a malformed line throws. */
export function parseCommitStats(text: string, source: string): CommitStats {
  const stats: CommitStats = { commits: 0, lastCommitMs: 0, maxCommitMs: 0, totalCommitMs: 0 };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 2 || !/^\d+$/.test(fields[1] as string)) throw new Error(`${source}: invalid line ${JSON.stringify(line)}`);
    const key = COMMIT_KEYS[fields[0] as string];
    if (key !== undefined) stats[key] = Number(fields[1]);
  }
  return stats;
}
