import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStat } from '../../../exporter/procfs/stat.js';
import { fixture } from './fixture.js';

test('parseStat: per-CPU times in seconds and the kernel counters', () => {
  const stat = parseStat(fixture('proc/stat'));
  assert.deepEqual(stat.total, {
    user: 85.53, nice: 0, system: 63.76, idle: 1742.81, iowait: 4.92, irq: 0, softirq: 2.17, steal: 0, guest: 0, guestNice: 0,
  });
  assert.deepEqual(stat.cpus, [
    { cpu: '0', user: 39.03, nice: 0, system: 29.74, idle: 879.11, iowait: 0.65, irq: 0, softirq: 0.86, steal: 0.12, guest: 0, guestNice: 0 },
    { cpu: '1', user: 46.5, nice: 0.07, system: 34.01, idle: 863.69, iowait: 4.26, irq: 0.03, softirq: 1.3, steal: 0, guest: 0.05, guestNice: 0.01 },
  ]);
  assert.equal(stat.interrupts, 245862);
  assert.equal(stat.contextSwitches, 720356);
  assert.equal(stat.bootTimeSeconds, 1795462589);
  assert.equal(stat.forks, 6163);
  assert.equal(stat.procsRunning, 1);
  assert.equal(stat.procsBlocked, 0);
  assert.deepEqual(stat.softirqs, [0, 21086, 6, 9560, 37688, 0, 4, 46034, 0, 37729]);
});

test('parseStat: old kernels without steal/guest columns give 0; garbage names the line', () => {
  assert.deepEqual(parseStat('cpu0 100 0 50 1000\n').cpus, [
    { cpu: '0', user: 1, nice: 0, system: 0.5, idle: 10, iowait: 0, irq: 0, softirq: 0, steal: 0, guest: 0, guestNice: 0 },
  ]);
  assert.throws(() => parseStat('cpu0 1 2 3 4\nctxt many\n'), /\/proc\/stat line 2: ctxt has no numeric value/);
  assert.throws(() => parseStat('cpu 1 2\n'), /\/proc\/stat line 1: expected at least 4 CPU times/);
  assert.throws(() => parseStat('softirq 10 1 2 3\n'), /\/proc\/stat line 1: softirq needs a total and 10 per-vector counts/);
});
