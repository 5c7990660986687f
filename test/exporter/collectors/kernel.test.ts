import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entropyCollector } from '../../../exporter/collectors/entropy.js';
import { schedstatCollector } from '../../../exporter/collectors/schedstat.js';
import { selinuxCollector } from '../../../exporter/collectors/selinux.js';
import { filefdCollector } from '../../../exporter/collectors/filefd.js';
import { NoDataError } from '../../../exporter/types.js';
import { createCollector, scrape } from './fixture.js';
import { testRendersFixture } from './renders.js';
import { procTree, sysTree } from './proc-tree.js';

testRendersFixture([
  [filefdCollector, 'filefd.prom'],
  [entropyCollector, 'entropy.prom'],
  [schedstatCollector, 'schedstat.prom'],
  [selinuxCollector, 'selinux.prom'],
]);

test('schedstat: a kernel without CONFIG_SCHEDSTATS means no data (success 0), not an error', async (t) => {
  const paths = procTree(t, { stat: '' });
  await assert.rejects(scrape(createCollector(schedstatCollector, { paths })), NoDataError);
});

test('selinux: without selinuxfs only node_selinux_enabled 0', async (t) => {
  const text = await scrape(createCollector(selinuxCollector, { paths: sysTree(t, { 'fs/ext4/features/lazy_itable_init': 'supported' }) }));
  assert.deepEqual(text.split('\n').filter((line) => line.startsWith('node_')), ['node_selinux_enabled 0']);
});
