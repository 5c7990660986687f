/** `--scheduler.probe-workers=auto`: the workers chosen for a list's rate and the cores, and the flag's values. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoProbeWorkers, demandedChecksPerSecond, probeWorkersFlag } from '../../../prober/scheduler/auto-workers.js';

test('workers chosen from the checks/s asked and the cores', () => {
  const table: [checksPerSecond: number, cores: number, workers: number][] = [
    [0, 2, 0],
    [333, 2, 0], // 1,000 targets every 3 s
    [667, 2, 0], // 10,000 every 15 s
    [1499, 8, 0],
    [1500, 2, 1],
    [2999, 2, 2],
    [3333, 2, 2], // 10,000 every 3 s
    [3333, 1, 0], // one core: a worker adds no CPU, only memory
    [3333, 4, 3],
    [3333, 16, 3],
    [30_000, 8, 8],
    [1e6, 128, 64],
    [Number.NaN, 4, 0],
  ];
  for (const [rate, cores, workers] of table) assert.equal(autoProbeWorkers(rate, cores), workers, `${rate} checks/s on ${cores} cores`);
});

test('the rate a list asks for: each target once per interval of its group', () => {
  const every = (interval: number, count: number) => Array.from({ length: count }, () => ({ spec: { group: { interval } } }));
  assert.equal(demandedChecksPerSecond([]), 0);
  assert.ok(Math.abs(demandedChecksPerSecond(every(3, 10_000)) - 10_000 / 3) < 1e-6);
  assert.equal(demandedChecksPerSecond([...every(15, 30), ...every(0.5, 2)]), 6);
});

test('--scheduler.probe-workers takes auto (the default) or 0 to 64', () => {
  assert.equal(probeWorkersFlag.default, 'auto');
  assert.equal(probeWorkersFlag.parse('auto'), 'auto');
  assert.equal(probeWorkersFlag.parse('0'), 0);
  assert.equal(probeWorkersFlag.parse('64'), 64);
  for (const bad of ['65', '-1', '1.5', '', 'two', 'Auto']) assert.throws(() => probeWorkersFlag.parse(bad), /expected auto or an integer from 0 to 64/, bad);
});
