import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMeminfo } from '../../../exporter/procfs/meminfo.js';
import { fixture } from './fixture.js';

test('parseMeminfo: every field, kB in bytes, (anon) renamed, unitless fields unsuffixed', () => {
  const fields = parseMeminfo(fixture('proc/meminfo'));
  assert.equal(fields.length, 53);
  assert.deepEqual(fields.slice(0, 3), [
    { name: 'MemTotal_bytes', value: 24683620 * 1024 },
    { name: 'MemFree_bytes', value: 24402388 * 1024 },
    { name: 'MemAvailable_bytes', value: 24364480 * 1024 },
  ]);
  assert.deepEqual(fields.find((f) => f.name.startsWith('Active_anon')), { name: 'Active_anon_bytes', value: 1512 * 1024 });
  assert.deepEqual(fields.find((f) => f.name.startsWith('HugePages_Total')), { name: 'HugePages_Total', value: 0 });
});

test('parseMeminfo: bad lines name the line', () => {
  assert.throws(() => parseMeminfo('MemTotal: 1 kB\nMemFree 2 kB\n'), /\/proc\/meminfo line 2: no "name:"/);
  assert.throws(() => parseMeminfo('MemTotal: lots kB\n'), /line 1: no numeric value/);
  assert.throws(() => parseMeminfo('MemTotal: 1 MB\n'), /line 1: unknown unit "MB"/);
});
