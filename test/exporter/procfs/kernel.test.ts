import assert from 'node:assert/strict';
import { test } from 'node:test';
import { singleNumber } from '../../../exporter/procfs/fields.js';
import { parseSchedstat } from '../../../exporter/procfs/schedstat.js';
import { parseSelinuxConfigMode, parseSelinuxEnforce } from '../../../exporter/procfs/selinux.js';
import { parseAuxvPageSize, systemPageSize } from '../../../exporter/procfs/auxv.js';
import { parseInterrupts } from '../../../exporter/procfs/interrupts.js';
import { parseFileNr } from '../../../exporter/procfs/filefd.js';
import { fixture } from './fixture.js';

test('parseFileNr: allocated and maximum; the always-zero middle field is dropped', () => {
  assert.deepEqual(parseFileNr(fixture('proc/sys/fs/file-nr')), { allocated: 895, maximum: 2466112 });
  assert.deepEqual(parseFileNr('1 0 9\n'), { allocated: 1, maximum: 9 });
  assert.throws(() => parseFileNr('1\t0\n', 'proc/sys/fs/file-nr'), /proc\/sys\/fs\/file-nr: expected 3 numbers, got "1\\t0"/);
  assert.throws(() => parseFileNr('1\t0\tlots\n', 'file-nr'), /file-nr: expected a number, got "lots"/);
});

test('singleNumber: one number per file, surrounding whitespace allowed', () => {
  assert.equal(singleNumber(fixture('proc/sys/kernel/random/poolsize'), 'poolsize'), 256);
  assert.equal(singleNumber(' 12\n', 'x'), 12);
  assert.throws(() => singleNumber('', 'random/entropy_avail'), /random\/entropy_avail: expected a number, got ""/);
  assert.throws(() => singleNumber('1 2\n', 'x'), /x: expected a number, got "1 2"/);
});

test('parseSchedstat: cpu lines only, nanoseconds to seconds', () => {
  assert.deepEqual(parseSchedstat(fixture('proc/schedstat')), [
    { cpu: '0', runningSeconds: 2035.146416553, waitingSeconds: 95.422167212, timeslices: 61530 },
    { cpu: '1', runningSeconds: 1923.459012356, waitingSeconds: 82.214598301, timeslices: 50342 },
  ]);
  assert.deepEqual(parseSchedstat('version 15\ntimestamp 1\ndomain0 3 1 2\n'), []);
  assert.throws(() => parseSchedstat('cpu0 1 2 3\n', 'schedstat'), /schedstat line 1: expected at least 9 values after cpu0, got 3/);
  assert.throws(() => parseSchedstat('version 15\ncpu0 0 0 0 0 0 0 1 two 3\n', 'schedstat'), /schedstat line 2: expected a number, got "two"/);
});

test('SELinux modes: config SELINUX= and selinuxfs enforce', () => {
  assert.equal(parseSelinuxConfigMode(fixture('rootfs/etc/selinux/config')), 1);
  assert.equal(parseSelinuxConfigMode('SELINUX=permissive\n'), 0);
  assert.equal(parseSelinuxConfigMode('SELINUX = "disabled"\n'), -1);
  assert.equal(parseSelinuxConfigMode('# SELINUX=enforcing\nSELINUXTYPE=targeted\n'), -1);
  assert.equal(parseSelinuxEnforce('1'), 1);
  assert.equal(parseSelinuxEnforce('0\n'), 0);
  assert.equal(parseSelinuxEnforce('?'), -1);
});

test('parseAuxvPageSize: AT_PAGESZ from native-endian (type, value) pairs; none before AT_NULL is undefined', () => {
  const auxv = (pairs: [number, number][], littleEndian: boolean): Buffer => {
    const buffer = Buffer.alloc(pairs.length * 16);
    pairs.forEach(([type, value], i) => {
      if (littleEndian) {
        buffer.writeBigUInt64LE(BigInt(type), i * 16);
        buffer.writeBigUInt64LE(BigInt(value), i * 16 + 8);
      } else {
        buffer.writeBigUInt64BE(BigInt(type), i * 16);
        buffer.writeBigUInt64BE(BigInt(value), i * 16 + 8);
      }
    });
    return buffer;
  };
  assert.equal(parseAuxvPageSize(auxv([[33, 1], [6, 16384], [0, 0]], true), true), 16384);
  assert.equal(parseAuxvPageSize(auxv([[6, 65536], [0, 0]], false), false), 65536);
  assert.equal(parseAuxvPageSize(auxv([[33, 1], [0, 0], [6, 4096]], true), true), undefined);
  assert.equal(parseAuxvPageSize(Buffer.alloc(7), true), undefined);
  assert.ok([4096, 16384, 65536].includes(systemPageSize()), 'this machine reports a usual page size');
});

test('parseInterrupts: per-CPU counts; numbered interrupts split controller and devices; ERR and MIS skipped', () => {
  const all = parseInterrupts(fixture('proc/interrupts'));
  assert.deepEqual(all.find((each) => each.name === '24'), { name: '24', info: 'IO-APIC', devices: '5-edge ACPI:Ged', perCpu: [1, 0] });
  assert.deepEqual(all.find((each) => each.name === 'NMI'), { name: 'NMI', info: 'Non-maskable interrupts', devices: '', perCpu: [0, 0] });
  assert.equal(all.some((each) => each.name === 'MIS' || each.name === 'ERR'), false);
  assert.throws(() => parseInterrupts('  CPU0 CPU1\n  1: 4 x IO-APIC 1-edge i8042\n', 'interrupts'), /interrupts line 2, 1: expected a number, got "x"/);
  assert.throws(() => parseInterrupts('', 'interrupts'), /interrupts: empty/);
});
