/** `node_xfs_*_total{device}`: per-filesystem XFS counters, from /sys/fs/xfs/<device>/stats/stats. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describeMetric } from '../../common/metrics.js';
import { sysFilePath } from '../paths.js';
import { fixedValues, parseLabelledLines } from '../procfs/fields.js';
import { readProcFile } from '../procfs/read.js';
import { defineCollector } from '../types.js';

/** `[line label, position on that line (the kernel's, fs/xfs/xfs_stats.h), family suffix, help]`. */
const FIELDS: readonly [string, number, string, string][] = [
  ['extent_alloc', 0, 'extent_allocation_extents_allocated_total', 'Number of extents allocated for a filesystem.'],
  ['extent_alloc', 1, 'extent_allocation_blocks_allocated_total', 'Number of blocks allocated for a filesystem.'],
  ['extent_alloc', 2, 'extent_allocation_extents_freed_total', 'Number of extents freed for a filesystem.'],
  ['extent_alloc', 3, 'extent_allocation_blocks_freed_total', 'Number of blocks freed for a filesystem.'],
  ['abt', 0, 'allocation_btree_lookups_total', 'Number of allocation B-tree lookups for a filesystem.'],
  ['abt', 1, 'allocation_btree_compares_total', 'Number of allocation B-tree compares for a filesystem.'],
  ['abt', 2, 'allocation_btree_records_inserted_total', 'Number of allocation B-tree records inserted for a filesystem.'],
  ['abt', 3, 'allocation_btree_records_deleted_total', 'Number of allocation B-tree records deleted for a filesystem.'],
  ['blk_map', 0, 'block_mapping_reads_total', 'Number of block map for read operations for a filesystem.'],
  ['blk_map', 1, 'block_mapping_writes_total', 'Number of block map for write operations for a filesystem.'],
  ['blk_map', 2, 'block_mapping_unmaps_total', 'Number of block unmaps (deletes) for a filesystem.'],
  ['blk_map', 3, 'block_mapping_extent_list_insertions_total', 'Number of extent list insertions for a filesystem.'],
  ['blk_map', 4, 'block_mapping_extent_list_deletions_total', 'Number of extent list deletions for a filesystem.'],
  ['blk_map', 5, 'block_mapping_extent_list_lookups_total', 'Number of extent list lookups for a filesystem.'],
  ['blk_map', 6, 'block_mapping_extent_list_compares_total', 'Number of extent list compares for a filesystem.'],
  ['bmbt', 0, 'block_map_btree_lookups_total', 'Number of block map B-tree lookups for a filesystem.'],
  ['bmbt', 1, 'block_map_btree_compares_total', 'Number of block map B-tree compares for a filesystem.'],
  ['bmbt', 2, 'block_map_btree_records_inserted_total', 'Number of block map B-tree records inserted for a filesystem.'],
  ['bmbt', 3, 'block_map_btree_records_deleted_total', 'Number of block map B-tree records deleted for a filesystem.'],
  ['dir', 0, 'directory_operation_lookup_total', 'Number of file name directory lookups which miss the operating systems directory name lookup cache.'],
  ['dir', 1, 'directory_operation_create_total', 'Number of times a new directory entry was created for a filesystem.'],
  ['dir', 2, 'directory_operation_remove_total', 'Number of times an existing directory entry was created for a filesystem.'],
  ['dir', 3, 'directory_operation_getdents_total', 'Number of times the directory getdents operation was performed for a filesystem.'],
  ['ig', 0, 'inode_operation_attempts_total', 'Number of times the OS looked for an XFS inode in the inode cache.'],
  ['ig', 1, 'inode_operation_found_total', 'Number of times the OS looked for and found an XFS inode in the inode cache.'],
  ['ig', 2, 'inode_operation_recycled_total', 'Number of times the OS found an XFS inode in the cache, but could not use it as it was being recycled.'],
  ['ig', 3, 'inode_operation_missed_total', 'Number of times the OS looked for an XFS inode in the cache, but did not find it.'],
  ['ig', 4, 'inode_operation_duplicates_total', 'Number of times the OS tried to add a missing XFS inode to the inode cache, but found it had already been added by another process.'],
  ['ig', 5, 'inode_operation_reclaims_total', 'Number of times the OS reclaimed an XFS inode from the inode cache to free memory for another purpose.'],
  ['ig', 6, 'inode_operation_attribute_changes_total', 'Number of times the OS explicitly changed the attributes of an XFS inode.'],
  ['rw', 1, 'read_calls_total', 'Number of read(2) system calls made to files in a filesystem.'],
  ['rw', 0, 'write_calls_total', 'Number of write(2) system calls made to files in a filesystem.'],
  ['vnodes', 0, 'vnode_active_total', 'Number of vnodes not on free lists for a filesystem.'],
  ['vnodes', 1, 'vnode_allocate_total', 'Number of times vn_alloc called for a filesystem.'],
  ['vnodes', 2, 'vnode_get_total', 'Number of times vn_get called for a filesystem.'],
  ['vnodes', 3, 'vnode_hold_total', 'Number of times vn_hold called for a filesystem.'],
  ['vnodes', 4, 'vnode_release_total', 'Number of times vn_rele called for a filesystem.'],
  ['vnodes', 5, 'vnode_reclaim_total', 'Number of times vn_reclaim called for a filesystem.'],
  ['vnodes', 6, 'vnode_remove_total', 'Number of times vn_remove called for a filesystem.'],
];

const families = FIELDS.map(([label, position, name, help]) => ({
  label,
  position,
  desc: describeMetric(`node_xfs_${name}`, help, 'counter', ['device']),
}));

function listDevices(root: string): string[] {
  try {
    return readdirSync(root).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export const xfsCollector = defineCollector({
  name: 'xfs',
  defaultEnabled: true,
  description: 'Per-filesystem XFS allocation, B-tree, directory, inode and vnode counters, from /sys/fs/xfs.',
  create: ({ paths }) => {
    const root = sysFilePath(paths, 'fs', 'xfs');
    return {
      async update(sink) {
        for (const device of listDevices(root)) {
          // /sys/fs/xfs/stats holds the global counters in a file named stats, not a filesystem's directory.
          const path = join(root, device, 'stats', 'stats');
          if (!existsSync(path)) continue;
          const lines = parseLabelledLines(readProcFile(path), path);
          for (const { label, position, desc } of families) {
            // A line an older kernel lacks is left out rather than reported as 0.
            const line = lines.get(label);
            if (line !== undefined) sink.add(desc, fixedValues(line, label, position + 1)[position] as number, [device]);
          }
        }
      },
    };
  },
});
