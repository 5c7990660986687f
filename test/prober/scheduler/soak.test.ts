/** A bounded soak: thousands of real checks; heap and open file descriptors stay flat after warm-up. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultConfig } from '../../../prober/config.js';
import { configuredProbe } from '../../../prober/scheduler/probe-adapter.js';
import { Scheduler } from '../../../prober/scheduler/scheduler.js';
import { statusSnapshot } from '../../../prober/scheduler/snapshot.js';
import { gc, openFds } from '../../helpers/memory.js';
import { waitFor } from '../../helpers/wait.js';
import { schedulerConfig, startTargetServer } from './helpers.js';

const heapUsed = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

test('memory and open fds do not grow over thousands of checks', async (t) => {
  const server = await startTargetServer(t);
  const targets = Array.from({ length: 100 }, (_, i) => server.url(`/soak/${i}`));
  // Every tenth target fails, so failure paths (retries, reasons, state changes) run too.
  for (let i = 0; i < targets.length; i += 10) server.always(`/soak/${i}`, 'error');
  const scheduler = new Scheduler({ probe: configuredProbe(() => defaultConfig()) });
  t.after(() => scheduler.stop());
  const config = schedulerConfig(
    `scheduler:\n  groups:\n    - name: soak\n      module: http_2xx\n      interval: 200ms\n      timeout: 150ms\n      retries: 1\n      retry_interval: 10ms\n      targets: ${JSON.stringify(targets)}\n`,
  );
  const checksDone = (count: number): Promise<unknown> => {
    const goal = scheduler.stats().checksCompleted + count;
    return waitFor(`${count} checks`, () => {
      scheduler.renderMetrics();
      statusSnapshot(scheduler);
      return scheduler.stats().checksCompleted >= goal;
    }, { timeoutMs: 60_000, intervalMs: 250 });
  };
  /** Empties the target list and waits until no check and no connection is left: a point to compare. */
  const quiescent = async (): Promise<{ heap: number; fds: number }> => {
    await scheduler.reload({ ...config, groups: [] });
    await waitFor('every check to end', () => scheduler.stats().inFlight === 0 && scheduler.stats().queued === 0, { timeoutMs: 10_000 });
    await sleep(50); // a retry wait that was under way sees its target gone
    await waitFor('no open connection to the target server', () => new Promise<boolean>((resolve) => server.server.getConnections((_error, count) => resolve(count === 0))), { timeoutMs: 10_000 });
    return { heap: heapUsed(), fds: openFds() };
  };

  await scheduler.start(config);
  await checksDone(500);
  const warm = await quiescent();
  await scheduler.reload(config);
  const before = scheduler.stats().checksCompleted;
  await checksDone(3000);
  const checks = scheduler.stats().checksCompleted - before;
  const after = await quiescent();
  const heapGrowth = (after.heap - warm.heap) / 2 ** 20;
  t.diagnostic(`${checks} checks after warm-up; heap ${(warm.heap / 2 ** 20).toFixed(1)} → ${(after.heap / 2 ** 20).toFixed(1)} MiB; fds ${warm.fds} → ${after.fds}`);
  assert.ok(heapGrowth < 8, `heap grew by ${heapGrowth.toFixed(1)} MiB`);
  assert.ok(after.fds - warm.fds <= 2, `fds went from ${warm.fds} to ${after.fds}`);
});
