/** A bounded soak: thousands of real checks; heap and open file descriptors stay flat after warm-up. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { defaultConfig } from '../../../prober/config.js';
import { configuredProbe } from '../../../prober/scheduler/probe-adapter.js';
import { Scheduler } from '../../../prober/scheduler/scheduler.js';
import { statusSnapshot } from '../../../prober/scheduler/snapshot.js';
import { schedulerConfig, startTargetServer } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const heapUsed = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

/** The fewest fds seen over a second: sockets of checks in flight come and go, a leak only adds. */
async function fewestFds(): Promise<number> {
  let fewest = Infinity;
  for (let i = 0; i < 10; i++) {
    fewest = Math.min(fewest, readdirSync('/proc/self/fd').length);
    await sleep(100);
  }
  return fewest;
}

test('memory and open fds do not grow over thousands of checks', async (t) => {
  const server = await startTargetServer(t);
  const targets = Array.from({ length: 100 }, (_, i) => server.url(`/soak/${i}`));
  // Every tenth target fails, so failure paths (retries, reasons, state changes) run too.
  for (let i = 0; i < targets.length; i += 10) server.always(`/soak/${i}`, 'error');
  const scheduler = new Scheduler({ probe: configuredProbe(() => defaultConfig()) });
  t.after(() => scheduler.stop());
  await scheduler.start(
    schedulerConfig(`scheduler:\n  groups:\n    - name: soak\n      module: http_2xx\n      interval: 200ms\n      timeout: 150ms\n      retries: 1\n      retry_interval: 10ms\n      targets: ${JSON.stringify(targets)}\n`),
  );
  const renderAll = (): void => {
    scheduler.renderMetrics();
    statusSnapshot(scheduler);
  };
  await sleep(1000);
  renderAll();
  const warmHeap = heapUsed();
  const warmFds = await fewestFds();
  const checksAtWarm = scheduler.stats().checksCompleted;
  for (let round = 0; round < 10; round++) {
    await sleep(500);
    renderAll();
  }
  const heapAfter = heapUsed();
  const fdsAfter = await fewestFds();
  const checks = scheduler.stats().checksCompleted - checksAtWarm;
  const heapGrowth = (heapAfter - warmHeap) / 2 ** 20;
  t.diagnostic(`${checks} checks after warm-up; heap ${(warmHeap / 2 ** 20).toFixed(1)} → ${(heapAfter / 2 ** 20).toFixed(1)} MiB; fewest fds ${warmFds} → ${fdsAfter}`);
  assert.ok(checks >= 2000, `a soak needs thousands of checks; ran ${checks}`);
  assert.ok(heapGrowth < 8, `heap grew by ${heapGrowth.toFixed(1)} MiB`);
  assert.ok(fdsAfter - warmFds < 20, `fds went from ${warmFds} to ${fdsAfter}`);
});
