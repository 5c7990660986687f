/**
 * probe_target_state_since_timestamp_seconds: the time a target was first seen failing (or up
 * again), with the labels of its probe_success series, and the same time in /api/v1/targets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricFamilies } from '../../../common/metrics.js';
import { defaultConfig } from '../../../prober/config.js';
import { probeDurationSeconds, probeSuccess } from '../../../prober/probe.js';
import { configuredProbe } from '../../../prober/scheduler/probe-adapter.js';
import { Scheduler, type ProbeOutcome } from '../../../prober/scheduler/scheduler.js';
import { statusSnapshot } from '../../../prober/scheduler/snapshot.js';
import { parseExposition, sampleValue } from '../../helpers/exposition.js';
import { waitFor } from '../../helpers/wait.js';
import { schedulerConfig, startTargetServer } from './helpers.js';

const SINCE = 'probe_target_state_since_timestamp_seconds';

function outcome(success: boolean): ProbeOutcome {
  const families = new MetricFamilies();
  families.add(probeSuccess, success ? 1 : 0);
  families.add(probeDurationSeconds, 0.001);
  return { success, durationSeconds: 0.001, ...(success ? {} : { failureReason: 'status_code' }), families };
}

test('the state-change time is the first failed attempt (not the end of the retries), kept while down, and the first success after', async (t) => {
  // A probe the test answers attempt by attempt; each attempt notes when it was answered.
  const waiting: ((success: boolean) => void)[] = [];
  const answered: { success: boolean; atMs: number }[] = [];
  const scheduler = new Scheduler({
    probe: () =>
      new Promise<ProbeOutcome>((resolve) =>
        waiting.push((success) => {
          answered.push({ success, atMs: Date.now() });
          resolve(outcome(success));
        }),
      ),
    location: 'lab',
  });
  t.after(() => scheduler.stop());
  await scheduler.start(
    schedulerConfig(
      'scheduler:\n  groups:\n    - name: panels\n      module: http_2xx\n      interval: 1s\n      timeout: 1s\n      retries: 2\n      retry_interval: 10ms\n      labels: {panel: game-1}\n      targets: ["http://127.0.0.1:9/"]\n',
    ),
  );
  const state = [...scheduler.targets()][0]!;
  const answer = async (success: boolean): Promise<void> => {
    const done = answered.length + 1;
    await waitFor('an attempt to answer', () => waiting.length > 0, { timeoutMs: 5000, intervalMs: 5 });
    waiting.shift()!(success);
    await waitFor('the answer taken', () => answered.length === done && (waiting.length > 0 || !state.busy), { timeoutMs: 5000, intervalMs: 5 });
  };
  const sinceOf = (): number => sampleValue(scheduler.renderMetrics(), SINCE, { target: 'http://127.0.0.1:9/' })! * 1000;

  await answer(true);
  assert.equal(state.status, 'up');
  const upSince = sinceOf();
  assert.ok(upSince >= answered[0]!.atMs, 'unknown → up: since the first check');

  await answer(false);
  assert.equal(state.status, 'pending');
  const firstFailure = sinceOf();
  assert.ok(firstFailure >= answered[1]!.atMs, 'since the first failed attempt');
  await answer(false);
  await answer(false);
  assert.equal(state.status, 'down');
  assert.equal(sinceOf(), firstFailure, 'down: still the first failed attempt, not the one that ended the retries');
  assert.ok(firstFailure <= answered[2]!.atMs);

  await answer(false);
  assert.equal(state.checksFailed, 2);
  assert.equal(sinceOf(), firstFailure, 'a failing check while down does not move it');
  assert.equal(statusSnapshot(scheduler).targets[0]!.since, new Date(firstFailure).toISOString(), 'the API shows the same time');

  await answer(true);
  assert.equal(state.status, 'up');
  assert.ok(sinceOf() >= answered[5]!.atMs, 'back up: since the first success');

  // The series carries exactly the labels of the scheduler's probe_success series, and a HELP text.
  const families = parseExposition(scheduler.renderMetrics());
  const since = families.get(SINCE)!;
  assert.equal(since.type, 'gauge');
  assert.match(since.help, /first seen failing/);
  assert.deepEqual(since.samples.map((sample) => sample.labels), families.get('probe_success')!.samples.map((sample) => sample.labels));
  assert.deepEqual(since.samples[0]!.labels, { target: 'http://127.0.0.1:9/', module: 'http_2xx', panel: 'game-1', location: 'lab' });
});

test('against a real server that goes down, the exported start is its first failed answer, within one interval', async (t) => {
  const server = await startTargetServer(t);
  const target = server.url('/panel');
  const scheduler = new Scheduler({ probe: configuredProbe(() => defaultConfig()) });
  t.after(() => scheduler.stop());
  await scheduler.start(
    schedulerConfig(
      `scheduler:\n  groups:\n    - name: panels\n      module: http_2xx\n      interval: 500ms\n      timeout: 400ms\n      retries: 1\n      retry_interval: 50ms\n      targets: ["${target}"]\n`,
    ),
  );
  const state = [...scheduler.targets()][0]!;
  await waitFor('up', () => state.status === 'up', { timeoutMs: 5000 });
  // The server notes when it first answered with an error.
  let failing = false;
  let firstErrorMs: number | undefined;
  server.server.prependListener('request', (request) => {
    if (failing && request.url === '/panel') firstErrorMs ??= Date.now();
  });
  const wentDownAfter = Date.now();
  failing = true;
  server.always('/panel', 'error');
  await waitFor('down', () => state.status === 'down', { timeoutMs: 5000 });
  const since = sampleValue(scheduler.renderMetrics(), SINCE, { target })! * 1000;
  assert.ok(firstErrorMs !== undefined && firstErrorMs >= wentDownAfter);
  assert.ok(since >= firstErrorMs, 'not before the first failed answer');
  assert.ok(since - firstErrorMs <= 500, `within one interval of the first failure (${since - firstErrorMs} ms)`);
  assert.equal(sampleValue(scheduler.renderMetrics(), 'probe_success', { target }), 0);
});
