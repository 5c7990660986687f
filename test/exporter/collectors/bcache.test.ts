import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bcacheCollector } from '../../../exporter/collectors/bcache.js';
import { createCollector, fixtureOptions, scrape } from './fixture.js';
import { sysTree } from './proc-tree.js';

const SET = 'fs/bcache/0f7c1d2e-aaaa-4bbb-8ccc-123456789abc';
const WRITEBACK = 'rate:\t\t512.0k/sec\ndirty:\t\t0.0k\ntarget:\t\t1.0G\nproportional:\t0\nintegral:\t0\nchange:\t\t0/sec\n';

test('bcache: --collector.bcache.priorityStats adds the unused and metadata shares of each cache device', async () => {
  const options = fixtureOptions();
  options.bcache.priorityStats = true;
  const text = await scrape(createCollector(bcacheCollector, { options }));
  const labels = '{uuid="5b1a9e5c-2f4d-4b7a-9c3e-7d1f0a2b6c84",cache_device="cache0"}';
  assert.match(text, new RegExp(`^node_bcache_priority_stats_unused_percent${labels} 2$`, 'm'));
  assert.match(text, new RegExp(`^node_bcache_priority_stats_metadata_percent${labels} 1$`, 'm'));
  assert.doesNotMatch(await scrape(createCollector(bcacheCollector)), /priority_stats/);
});

test('bcache: no bcache module is a scrape with nothing in it; the control files beside the sets are not sets', async (t) => {
  assert.equal(await scrape(createCollector(bcacheCollector, { paths: sysTree(t, { 'fs/xfs/stats/stats': '' }) })), '');
  const paths = sysTree(t, { 'fs/bcache/register': '', 'fs/bcache/pendings_cleanup': '', [`${SET}/tree_depth`]: '1\n' });
  assert.match(await scrape(createCollector(bcacheCollector, { paths })), /^node_bcache_tree_depth\{uuid="0f7c1d2e-aaaa-4bbb-8ccc-123456789abc"\} 1$/m);
});

test('bcache: a malformed number or a backing device without writeback_rate_debug fails the scrape', async (t) => {
  const malformed = sysTree(t, { [`${SET}/bdev0/dirty_data`]: '12X\n', [`${SET}/bdev0/writeback_rate_debug`]: WRITEBACK });
  await assert.rejects(scrape(createCollector(bcacheCollector, { paths: malformed })), /bdev0\/dirty_data: not a bcache number: "12X"/);
  const incomplete = sysTree(t, { [`${SET}/bdev0/dirty_data`]: '1.0k\n' });
  await assert.rejects(scrape(createCollector(bcacheCollector, { paths: incomplete })), /bdev0\/writeback_rate_debug: missing/);
  const good = sysTree(t, { [`${SET}/bdev0/dirty_data`]: '1.0k\n', [`${SET}/bdev0/writeback_rate_debug`]: WRITEBACK });
  const text = await scrape(createCollector(bcacheCollector, { paths: good }));
  assert.match(text, /^node_bcache_writeback_rate\{uuid="[^"]+",backing_device="bdev0"\} 524288$/m);
  assert.match(text, /^node_bcache_dirty_target_bytes\{uuid="[^"]+",backing_device="bdev0"\} 1073741824$/m);
});
