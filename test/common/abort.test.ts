import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { abortRejection, isTimeout, raceAbort, startDeadline, withTimeout } from '../../common/abort.js';
import { singleFlight } from '../../common/single-flight.js';

test('raceAbort: the work wins when it settles first, and the abort when it comes first', async () => {
  const controller = new AbortController();
  assert.equal(await raceAbort(Promise.resolve(7), controller.signal), 7);
  await assert.rejects(raceAbort(Promise.reject(new Error('boom')), controller.signal), /boom/);
  const never = new Promise<number>(() => undefined);
  const raced = raceAbort(never, controller.signal);
  controller.abort(new Error('gave up'));
  await assert.rejects(raced, /gave up/);
  await assert.rejects(raceAbort(never, controller.signal), /gave up/);
});

test('abortRejection: many waits raced against one signal share one listener, all rejected when it aborts, none left after dispose', async () => {
  const controller = new AbortController();
  const aborted = abortRejection(controller.signal);
  assert.equal(getEventListeners(controller.signal, 'abort').length, 1);
  const never = new Promise<number>(() => undefined);
  const races = [1, 2, 3].map(() => Promise.race([never, aborted.promise]));
  assert.equal(await Promise.race([Promise.resolve(4), aborted.promise]), 4);
  controller.abort(new Error('deadline'));
  for (const race of races) await assert.rejects(race, /deadline/);
  aborted.dispose();

  const quiet = new AbortController();
  const disposed = abortRejection(quiet.signal);
  disposed.dispose();
  assert.equal(getEventListeners(quiet.signal, 'abort').length, 0);
  await assert.rejects(Promise.race([never, abortRejection(controller.signal).promise]), /deadline/, 'an already aborted signal rejects at once');
});

test('withTimeout: aborts with a TimeoutError after its time, or with the outer reason first', async () => {
  const timedOut = withTimeout(5);
  await assert.rejects(raceAbort(new Promise(() => undefined), timedOut), (error) => isTimeout(error));
  const outer = new AbortController();
  const combined = withTimeout(60_000, outer.signal);
  outer.abort(new Error('caller left'));
  assert.equal(combined.aborted, true);
  assert.equal(isTimeout(combined.reason), false);
  assert.match(String(combined.reason), /caller left/);
});

test('singleFlight: concurrent callers share one call; the next call after it settles starts a new one', async () => {
  let calls = 0;
  let release: (value: number) => void = () => undefined;
  const shared = singleFlight(() => {
    calls++;
    return new Promise<number>((resolve) => (release = resolve));
  });
  const first = shared();
  const second = shared();
  assert.equal(first, second);
  release(1);
  assert.deepEqual(await Promise.all([first, second]), [1, 1]);
  void shared();
  assert.equal(calls, 2);
  release(2);
  const failing = singleFlight(() => Promise.reject(new Error('down')));
  await assert.rejects(failing(), /down/);
  await assert.rejects(failing(), /down/);
});

test('startDeadline: a TimeoutError at the deadline, the outer reason first if it aborts, nothing after clear()', async () => {
  const timed = startDeadline(10);
  await assert.rejects(raceAbort(new Promise(() => undefined), timed.signal), (error) => isTimeout(error));

  const outer = new AbortController();
  const inner = startDeadline(60_000, outer.signal);
  outer.abort(new Error('scrape over'));
  assert.equal((inner.signal.reason as Error).message, 'scrape over');
  inner.clear();

  const cleared = startDeadline(10);
  cleared.clear();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(cleared.signal.aborted, false);
});
