import assert from 'node:assert/strict';
import { test } from 'node:test';
import { btrfsCollector } from '../../../exporter/collectors/btrfs.js';
import { createCollector, scrape } from './fixture.js';
import { sysTree } from './proc-tree.js';

const FS = 'fs/btrfs/0a1b2c3d-0000-4000-8000-00000000feed';
const ALLOCATION = Object.fromEntries(['data', 'metadata', 'system'].map((type) => [`${FS}/allocation/${type}/single/total_bytes`, '4096\n']));

test('btrfs: no btrfs module is a scrape with nothing in it; the features directory beside the filesystems is not one', async (t) => {
  assert.equal(await scrape(createCollector(btrfsCollector, { paths: sysTree(t, { 'fs/xfs/stats/stats': '' }) })), '');
  assert.equal(await scrape(createCollector(btrfsCollector, { paths: sysTree(t, { 'fs/btrfs/features/raid1c34': '' }) })), '');
});

test('btrfs: a filesystem whose metadata_uuid differs from its fsid is labelled with metadata_uuid', async (t) => {
  const paths = sysTree(t, { ...ALLOCATION, [`${FS}/devices/vdx/size`]: '8\n', [`${FS}/metadata_uuid`]: 'aaaaaaaa-0000-4000-8000-000000000001\n' });
  const text = await scrape(createCollector(btrfsCollector, { paths }));
  assert.match(text, /^node_btrfs_info\{uuid="aaaaaaaa-0000-4000-8000-000000000001",label=""\} 1$/m);
  assert.match(text, /^node_btrfs_device_size_bytes\{uuid="aaaaaaaa-0000-4000-8000-000000000001",device="vdx"\} 4096$/m);
  assert.match(text, /^node_btrfs_allocation_ratio\{uuid="[^"]+",block_group_type="system",mode="single"\} 1$/m);
});

test('btrfs: a malformed commit_stats line or a missing allocation directory fails the scrape', async (t) => {
  const malformed = sysTree(t, { ...ALLOCATION, [`${FS}/devices/vdx/size`]: '8\n', [`${FS}/commit_stats`]: 'commits\n' });
  await assert.rejects(scrape(createCollector(btrfsCollector, { paths: malformed })), /commit_stats: invalid line "commits"/);
  const incomplete = sysTree(t, { [`${FS}/devices/vdx/size`]: '8\n', [`${FS}/allocation/data/single/total_bytes`]: '1\n' });
  await assert.rejects(scrape(createCollector(btrfsCollector, { paths: incomplete })), /allocation\/metadata does not exist/);
});
