import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixedValues, parseLabelledLines } from '../../../exporter/procfs/fields.js';
import { NFS_V3_PROCEDURES, NFS_V4_CLIENT_PROCEDURES, procedureCounts } from '../../../exporter/procfs/nfs.js';
import { fixture } from './fixture.js';

test('parseLabelledLines on rpc/nfs: lines by label, values positional; procedure lines checked against their count', () => {
  const client = parseLabelledLines(fixture('proc/net/rpc/nfs'), 'rpc/nfs');
  assert.deepEqual(client.get('rpc')?.values, [4156287, 3, 7]);
  const v3 = procedureCounts(client.get('proc3')!, NFS_V3_PROCEDURES);
  assert.equal(v3.size, 22);
  assert.equal(v3.get('GetAttr'), 4084749);
  assert.equal(v3.get('Commit'), 12);
  assert.equal(procedureCounts(client.get('proc4')!, NFS_V4_CLIENT_PROCEDURES).get('Clone'), 0);
  const server = parseLabelledLines(fixture('proc/net/rpc/nfsd'), 'rpc/nfsd');
  assert.deepEqual(server.get('th')?.values.slice(0, 3), [8, 0, 0]);
});

test('parseLabelledLines on rpc/nfs: bad lines name the file and line', () => {
  assert.throws(() => parseLabelledLines('rpc 1 2 3\nnet\n', 'rpc/nfs'), /rpc\/nfs line 2: expected "label value …", got "net"/);
  assert.throws(() => parseLabelledLines('rpc 1 x 3\n', 'rpc/nfs'), /rpc\/nfs line 1, rpc: expected a number, got "x"/);
  const lines = parseLabelledLines('proc3 22 1 2\nio 1\nproc2 3 1 1 1\n', 'rpc/nfsd');
  assert.throws(() => procedureCounts(lines.get('proc3')!, NFS_V3_PROCEDURES), /rpc\/nfsd line 1: declares 22 procedures but lists 2/);
  assert.throws(() => fixedValues(lines.get('io')!, 'io', 2), /rpc\/nfsd line 2: expected 2 values for "io", got 1/);
  // More procedures than names (a newer kernel): the extra ones are not named, so not reported.
  assert.deepEqual([...procedureCounts(lines.get('proc2')!, ['Null', 'GetAttr']).keys()], ['Null', 'GetAttr']);
});
