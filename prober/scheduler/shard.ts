/**
 * Sharded probing: several probers split one panel list, each checking the targets whose hash
 * modulo the shard count is its index. The hash is Prometheus' `hashmod` of the target address
 * (md5, its last 8 bytes as a big-endian integer), so every prober given the same list agrees
 * without talking to the others, whatever the order of the list or the labels of a target, and a
 * relabel rule with `action: hashmod` on `__address__` tells which shard owns a file_sd entry.
 */
import { hash } from 'node:crypto';

export interface Shard {
  /** 0 ≤ index < count. */
  index: number;
  count: number;
}

export const WHOLE_LIST: Shard = Object.freeze({ index: 0, count: 1 });

/** Shard counts above this make no sense for one list and would hide a typo. */
export const MAX_SHARDS = 1024;

/** The shard that owns a target among `count`: Prometheus' hashmod of the address. */
export function shardOf(target: string, count: number): number {
  if (count === 1) return 0;
  return Number(hash('md5', target, 'buffer').readBigUInt64BE(8) % BigInt(count));
}

export function owns(shard: Shard, target: string): boolean {
  return shardOf(target, shard.count) === shard.index;
}

/** Reads `i/n` (the `--scheduler.shard` flag); throws an Error saying what is wrong. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (match === null) throw new Error('expected <index>/<count>, e.g. 0/3');
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SHARDS) throw new Error(`the count must be from 1 to ${MAX_SHARDS}, got ${count}`);
  if (index >= count) throw new Error(`the index must be from 0 to ${count - 1} (shards are numbered from 0), got ${index}`);
  return { index, count };
}
