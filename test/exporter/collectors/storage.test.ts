import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mdadmCollector } from '../../../exporter/collectors/mdadm.js';
import { xfsCollector } from '../../../exporter/collectors/xfs.js';
import { zfsCollector } from '../../../exporter/collectors/zfs.js';
import { NoDataError } from '../../../exporter/types.js';
import { createCollector, scrape } from './fixture.js';
import { testRendersFixture } from './renders.js';
import { procTree, sysTree } from './proc-tree.js';

testRendersFixture([
  [mdadmCollector, 'mdadm.prom'],
  [xfsCollector, 'xfs.prom'],
  [zfsCollector, 'zfs.prom'],
]);

test('mdadm: no /proc/mdstat (md driver not loaded) means no data', async (t) => {
  await assert.rejects(scrape(createCollector(mdadmCollector, { paths: procTree(t, { stat: '' }) })), NoDataError);
});

test('xfs: no XFS loaded means nothing; a line an older kernel lacks is left out', async (t) => {
  assert.equal(await scrape(createCollector(xfsCollector, { paths: sysTree(t, { 'block/sda/size': '1' }) })), '');
  const paths = sysTree(t, { 'fs/xfs/stats/stats': 'rw 1 2\n', 'fs/xfs/vdb/stats/stats': 'rw 7 9\n' });
  assert.equal(
    await scrape(createCollector(xfsCollector, { paths })),
    [
      '# HELP node_xfs_read_calls_total Number of read(2) system calls made to files in a filesystem.',
      '# TYPE node_xfs_read_calls_total counter',
      'node_xfs_read_calls_total{device="vdb"} 9',
      '# HELP node_xfs_write_calls_total Number of write(2) system calls made to files in a filesystem.',
      '# TYPE node_xfs_write_calls_total counter',
      'node_xfs_write_calls_total{device="vdb"} 7',
      '',
    ].join('\n'),
  );
  await assert.rejects(scrape(createCollector(xfsCollector, { paths: sysTree(t, { 'fs/xfs/vdb/stats/stats': 'rw 7\n' }) })), /vdb\/stats\/stats line 1: expected 2 values for "rw", got 1/);
});

test('zfs: no module means no data; a dataset name keeps its spaces; a pool without io is still reported', async (t) => {
  await assert.rejects(scrape(createCollector(zfsCollector, { paths: procTree(t, { stat: '' }) })), NoDataError);
  const paths = procTree(t, {
    'spl/kstat/zfs/arcstats': '9 1 0x01\nname type data\nhits 4 5\n',
    'spl/kstat/zfs/data/objset-0x2': '1 1 0x01\nname type data\ndataset_name 7 data/my files\nwrites 4 2\n',
    'spl/kstat/zfs/data/state': 'ONLINE\n',
  });
  const lines = (await scrape(createCollector(zfsCollector, { paths }))).split('\n').filter((line) => line.startsWith('node_') && !line.endsWith(' 0'));
  assert.deepEqual(lines, [
    'node_zfs_arc_hits 5',
    'node_zfs_zpool_dataset_writes{zpool="data",dataset="data/my files"} 2',
    'node_zfs_zpool_state{zpool="data",state="online"} 1',
  ]);
});
