import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNamedKstat, parsePoolIoKstat } from '../../../exporter/procfs/kstat.js';
import { parseMdstat } from '../../../exporter/procfs/mdstat.js';
import { fixture } from './fixture.js';

test('parseMdstat: states, disk counts and sync progress of each array', () => {
  const arrays = new Map(parseMdstat(fixture('proc/mdstat')).map((array) => [array.name, array]));
  assert.deepEqual([...arrays.keys()], ['md0', 'md1', 'md2', 'md3', 'md4', 'md5', 'md6', 'md7']);
  assert.deepEqual(arrays.get('md0'), { name: 'md0', state: 'active', disksActive: 2, disksTotal: 2, disksFailed: 0, disksSpare: 0, blocks: 1046528, blocksSynced: 1046528 });
  assert.deepEqual(arrays.get('md1'), { name: 'md1', state: 'recovering', disksActive: 3, disksTotal: 4, disksFailed: 0, disksSpare: 0, blocks: 1464763392, blocksSynced: 42058216 });
  assert.equal(arrays.get('md2')?.state, 'resyncing', 'resync=PENDING');
  assert.equal(arrays.get('md2')?.blocksSynced, 0);
  assert.deepEqual([arrays.get('md3')?.disksActive, arrays.get('md3')?.disksTotal], [2, 2], 'raid0 has no [n/m]: members are counted');
  assert.deepEqual(arrays.get('md4'), { name: 'md4', state: 'inactive', disksActive: 0, disksTotal: 0, disksFailed: 0, disksSpare: 2, blocks: 4190208, blocksSynced: 4190208 });
  assert.deepEqual([arrays.get('md5')?.disksFailed, arrays.get('md5')?.disksSpare, arrays.get('md5')?.disksActive], [1, 1, 1]);
  assert.equal(arrays.get('md6')?.state, 'checking');
  assert.equal(arrays.get('md7')?.disksTotal, 2, 'linear');
});

test('parseMdstat: empty, reshape and DELAYED; malformed arrays name the line', () => {
  assert.deepEqual(parseMdstat('Personalities : \nunused devices: <none>\n'), []);
  const reshape = parseMdstat('md9 : active raid5 sdc[2] sdb[1] sda[0]\n      100 blocks super 1.2 [3/3] [UUU]\n      [>....]  reshape =  1.0% (1/100) finish=1.0min speed=1K/sec\n');
  assert.equal(reshape[0]?.state, 'reshaping');
  assert.equal(reshape[0]?.blocksSynced, 1);
  assert.equal(parseMdstat('md9 : active raid1 sdb[1] sda[0]\n      100 blocks [2/2] [UU]\n        resync=DELAYED\n')[0]?.blocksSynced, 0);
  assert.throws(() => parseMdstat('md9 : active raid1 sda[0]\n', 'mdstat'), /mdstat line 1: md9 has no status line/);
  assert.throws(() => parseMdstat('md9 active\n      1 blocks\n', 'mdstat'), /mdstat line 1: expected "mdN : state …"/);
  assert.throws(() => parseMdstat('md9 : active raid1 sda[0]\n      many blocks [1/1] [U]\n', 'mdstat'), /mdstat line 2, blocks: expected a number, got "many"/);
  assert.throws(() => parseMdstat('md9 : active raid1 sda[0]\n      10 blocks super 1.2\n', 'mdstat'), /mdstat line 2: expected "\[total\/active\] \[U_…\]" for md9/);
  assert.throws(() => parseMdstat('md9 : active raid1 sda[0]\n      10 blocks [1/1] [U]\n      recovery = 1%\n', 'mdstat'), /mdstat line 3: expected "\(done\/total\)" blocks for md9/);
});

test('parseNamedKstat: integer rows (signed and unsigned) and string rows after the header', () => {
  const arc = parseNamedKstat(fixture('proc/spl/kstat/zfs/arcstats'), 'arcstats');
  assert.equal(arc.numbers.get('hits'), 8772612);
  assert.equal(arc.numbers.get('memory_available_bytes'), -922337203);
  const objset = parseNamedKstat(fixture('proc/spl/kstat/zfs/tank/objset-0x36'), 'objset');
  assert.equal(objset.strings.get('dataset_name'), 'tank/home');
  assert.equal(objset.numbers.has('dataset_name'), false);
  assert.deepEqual(parseNamedKstat('1 1 0x01\nname type data\nlabel 7 a b  c\nratio 5 0.5\n', 'k').strings.get('label'), 'a b  c');
  assert.equal(parseNamedKstat('1 1 0x01\nname type data\nratio 5 0.5\n', 'k').numbers.size, 0, 'other kstat types are skipped');
  assert.throws(() => parseNamedKstat('hits 4 5\n', 'zfs/arcstats'), /zfs\/arcstats: no "name type data" header/);
  assert.throws(() => parseNamedKstat('x\nname type data\nhits 4 many\n', 'zfs/arcstats'), /zfs\/arcstats line 3, hits: expected a number, got "many"/);
});

test('parsePoolIoKstat: names line, then values line', () => {
  const io = parsePoolIoKstat(fixture('proc/spl/kstat/zfs/tank/io'), 'tank/io');
  assert.equal(io.get('nread'), 1884160);
  assert.equal(io.get('rupdate'), 32953472831062);
  assert.equal(io.size, 12);
  assert.throws(() => parsePoolIoKstat('12 3 0x00\n', 'tank/io'), /tank\/io: no "nread …" header/);
  assert.throws(() => parsePoolIoKstat('12 3\nnread nwritten\n', 'tank/io'), /tank\/io: no values after the header/);
  assert.throws(() => parsePoolIoKstat('12 3\nnread nwritten\n1\n', 'tank/io'), /tank\/io line 3: 1 values for 2 names/);
});
