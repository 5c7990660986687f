import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkerPool, WorkerPoolBusyError } from '../../common/worker-pool.js';

function pool(maxQueued = 8) {
  return new WorkerPool<string, string>({ script: new URL('../fixtures/common/echo-worker.js', import.meta.url), size: 1, maxQueued });
}

test('worker pool: answers, errors, a thread that exits, and a spinning job ended by its signal', async (t) => {
  const workers = pool();
  t.after(() => workers.close());
  assert.equal(await workers.run('a'), 'echo a');
  await assert.rejects(workers.run('throw'), { message: 'asked to throw' });
  await assert.rejects(workers.run('exit'), { message: 'worker thread exited (code 3)' });
  assert.equal(await workers.run('b'), 'echo b');
  const controller = new AbortController();
  const spinning = workers.run('spin', controller.signal);
  const waiting = workers.run('after the spin');
  setTimeout(() => controller.abort(new Error('deadline')), 200);
  await assert.rejects(spinning, { message: 'deadline' });
  assert.equal(await waiting, 'echo after the spin');
});

test('worker pool: jobs beyond the queue bound are refused at once; close rejects the rest', async () => {
  const workers = pool(1);
  const spinning = workers.run('spin');
  const queued = workers.run('queued');
  await assert.rejects(workers.run('one too many'), WorkerPoolBusyError);
  const closedOut = Promise.all([
    assert.rejects(spinning, { message: 'worker pool is closed' }),
    assert.rejects(queued, { message: 'worker pool is closed' }),
  ]);
  await workers.close();
  await closedOut;
  await assert.rejects(workers.run('late'), { message: 'worker pool is closed' });
});
