import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nfsCollector } from '../../../exporter/collectors/nfs.js';
import { nfsdCollector } from '../../../exporter/collectors/nfsd.js';
import { NoDataError } from '../../../exporter/types.js';
import { createCollector, scrape } from './fixture.js';
import { testRendersFixture } from './renders.js';
import { procTree } from './proc-tree.js';

testRendersFixture([
  [nfsCollector, 'nfs.prom'],
  [nfsdCollector, 'nfsd.prom'],
]);

for (const definition of [nfsCollector, nfsdCollector]) {
  test(`${definition.name}: no module loaded (no file) means no data`, async (t) => {
    await assert.rejects(scrape(createCollector(definition, { paths: procTree(t, { stat: '' }) })), NoDataError);
  });
}

test('nfsd: a newer kernel (no ra line, wdeleg_getattr) and an older client (short proc4): only what the kernel printed', async (t) => {
  const paths = procTree(t, {
    'net/rpc/nfsd': 'rc 1 2 3\nth 4 0 0 0\nproc4ops 4 0 0 0 9\nwdeleg_getattr 5\n',
    'net/rpc/nfs': 'proc4 3 1 2 3\n',
  });
  const server = await scrape(createCollector(nfsdCollector, { paths }));
  assert.match(server, /^node_nfsd_server_threads 4$/m);
  assert.match(server, /^node_nfsd_requests_total\{proto="4",method="Access"\} 9$/m);
  assert.match(server, /^node_nfsd_requests_total\{proto="4",method="WdelegGetattr"\} 5$/m);
  assert.doesNotMatch(server, /read_ahead|Op0Unused|proto="3"/);
  const client = await scrape(createCollector(nfsCollector, { paths }));
  assert.deepEqual(client.split('\n').filter((line) => line.startsWith('node_')), [
    'node_nfs_requests_total{proto="4",method="Null"} 1',
    'node_nfs_requests_total{proto="4",method="Read"} 2',
    'node_nfs_requests_total{proto="4",method="Write"} 3',
  ]);
});
