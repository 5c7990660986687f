/** The scheduler's probes on worker threads: same results as probe() in the main thread, reloads, aborts, a dying worker. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { parseConfig } from '../../../prober/config.js';
import { probe } from '../../../prober/probe.js';
import { ProbeWorkerPool } from '../../../prober/scheduler/probe-pool.js';
import { SchedulerService } from '../../../prober/scheduler/service.js';
import type { ProbeOutcome } from '../../../prober/scheduler/scheduler.js';
import { sampleValue } from '../../helpers/exposition.js';
import { waitFor } from '../../helpers/wait.js';
import { capturedLogger, startTargetServer } from './helpers.js';
import { listen } from '../http-helpers.js';
import { tcpModule } from '../protocol-harness.js';

const modulesYaml = (validStatus: number) =>
  `modules:\n  web:\n    prober: http\n    timeout: 2s\n    http:\n      valid_status_codes: [${validStatus}]\n      preferred_ip_protocol: ip4\n`;

/** Family names, label values and the values that do not depend on timing. */
function stableView(families: ProbeOutcome['families']) {
  const timed = new Set(['probe_duration_seconds', 'probe_http_duration_seconds', 'probe_dns_lookup_time_seconds']);
  return [...families.families()].map(({ desc, samples }) => ({
    name: desc.name,
    type: desc.type,
    labelNames: desc.labelNames,
    samples: samples.map((sample) => ({ labels: sample.labelValues, value: timed.has(desc.name) ? 'timed' : sample.value })),
  }));
}

test('a worker gives what probe() in the main thread gives, success and failure, and follows new modules', async (t) => {
  const server = await startTargetServer(t);
  server.always('/broken', 'error');
  let config = parseConfig(modulesYaml(200), 'blackbox.yml');
  const pool = new ProbeWorkerPool({ size: 2, modules: config.modules });
  t.after(() => pool.close());

  for (const path of ['/ok', '/broken']) {
    const request = { target: server.url(path), module: 'web', timeoutSeconds: 2 };
    const [inWorker, inMain] = await Promise.all([
      pool.probe({ ...request, signal: new AbortController().signal }),
      probe({ ...request, config, scrapeTimeoutSeconds: 2, timeoutOffsetSeconds: 0 }),
    ]);
    assert.equal(inWorker.success, inMain.success, path);
    assert.equal(inWorker.failureReason, inMain.failureReason, path);
    assert.deepEqual(stableView(inWorker.families), stableView(inMain.families), path);
  }

  config = parseConfig(modulesYaml(500), 'blackbox.yml');
  pool.setModules(config.modules);
  const broken = await pool.probe({ target: server.url('/broken'), module: 'web', timeoutSeconds: 2, signal: new AbortController().signal });
  assert.equal(broken.success, true, 'the reloaded module takes 500 as valid');
});

test('checks spread over the workers, and an abort reaches the probe in its worker', async (t) => {
  const server = await startTargetServer(t);
  server.always('/slow', { delayMs: 300 });
  server.always('/stall', { delayMs: 3000 });
  const pool = new ProbeWorkerPool({ size: 2, modules: parseConfig(modulesYaml(200), 'blackbox.yml').modules });
  t.after(() => pool.close());
  const request = { target: server.url('/slow'), module: 'web', timeoutSeconds: 2 };
  const checks = Array.from({ length: 8 }, () => pool.probe({ ...request, signal: new AbortController().signal }));
  assert.deepEqual(pool.inFlight(), [4, 4]);
  const outcomes = await Promise.all(checks);
  assert.ok(outcomes.every((outcome) => outcome.success));
  assert.ok(server.maxOpen.byPath.get('/slow')! >= 2, 'probes ran side by side');
  assert.deepEqual(pool.inFlight(), [0, 0]);

  const controller = new AbortController();
  const stalled = pool.probe({ target: server.url('/stall'), module: 'web', timeoutSeconds: 2, signal: controller.signal });
  setTimeout(() => controller.abort(), 200);
  const outcome = await stalled;
  assert.equal(outcome.success, false);
  assert.equal(outcome.failureReason, 'timeout');
  assert.ok(outcome.durationSeconds < 1, `aborted after ~0.2 s, took ${outcome.durationSeconds} s`);
});

test('a worker that dies fails its checks and is replaced', async (t) => {
  const server = await startTargetServer(t);
  server.always('/stall', { delayMs: 3000 });
  const pool = new ProbeWorkerPool({ size: 1, modules: parseConfig(modulesYaml(200), 'blackbox.yml').modules });
  t.after(() => pool.close());
  const stalled = pool.probe({ target: server.url('/stall'), module: 'web', timeoutSeconds: 5, signal: new AbortController().signal });
  // Settled into a value at once: should a wait below fail, the rejection when t.after closes the pool is not left unhandled.
  const stalledEnd = stalled.then(() => new Error('the stalled probe succeeded'), (error: unknown) => error);
  const worker = (pool as unknown as { threads: { worker: { terminate(): Promise<number> } }[] }).threads[0]!.worker;
  // A worker took up to ~10 s to start on a loaded machine.
  await waitFor('the probe reached the server', () => server.hits.get('/stall') === 1, { timeoutMs: 60_000 });
  await worker.terminate();
  assert.match(String(await stalledEnd), /probe worker exited/);
  await assert.rejects(pool.probe({ target: server.url('/ok'), module: 'web', timeoutSeconds: 2, signal: new AbortController().signal }), /no probe worker is running/);
  await waitFor('a new worker', () => pool.inFlight().length === 1);
  const next = await pool.probe({ target: server.url('/ok'), module: 'web', timeoutSeconds: 5, signal: new AbortController().signal });
  assert.equal(next.success, true, 'a new worker took over');
});

test('the scheduler service with --scheduler.probe-workers checks its targets on workers', async (t) => {
  const server = await startTargetServer(t);
  server.always('/down', 'error');
  const yaml = `${modulesYaml(200)}scheduler:\n  groups:\n    - name: g\n      module: web\n      interval: 1s\n      timeout: 1s\n      retries: 0\n      targets: ["${server.url('/up')}", "${server.url('/down')}"]\n`;
  const config = parseConfig(yaml, 'blackbox.yml');
  const service = new SchedulerService({ config: () => config, probeWorkers: 2 });
  t.after(() => service.stop());
  await service.apply(config);
  // The first checks may time out while the workers start (seconds on a loaded machine); what matters is what the next ones report.
  await waitFor('both checked', () => {
    const text = service.renderMetrics();
    return sampleValue(text, 'probe_success', { target: server.url('/up') }) === 1 && sampleValue(text, 'probe_http_status_code', { target: server.url('/down') }) === 500;
  }, { timeoutMs: 60_000 });
  const text = service.renderMetrics();
  assert.equal(sampleValue(text, 'probe_success', { target: server.url('/down') }), 0);
  assert.equal(sampleValue(text, 'probe_failure_info', { target: server.url('/down'), reason: 'status_code' }), 1);
});

test('a worker\'s log lines reach the pool\'s logger, with the fields and level the main thread\'s probe logs', async (t) => {
  const port = await listen(t, createServer((socket) => socket.end('hello\n')));
  // No config makes a probe throw anything but a ProbeError any more: a module with a malformed
  // `expect` stands in for the next bug, which must fail the probe as internal and be logged.
  const modules = new Map([['broken', tcpModule({ query_response: [{ expect: {} as never, starttls: false }] }, 2)]]);
  const request = { target: `127.0.0.1:${port}`, module: 'broken', timeoutSeconds: 2 };
  const inWorker = capturedLogger();
  const pool = new ProbeWorkerPool({ size: 1, modules, logger: inWorker.logger });
  t.after(() => pool.close());
  const outcome = await pool.probe({ ...request, signal: new AbortController().signal });
  assert.equal(outcome.failureReason, 'internal');
  const inMain = capturedLogger();
  await probe({ ...request, config: { modules, scheduler: undefined }, scrapeTimeoutSeconds: 2, timeoutOffsetSeconds: 0, logger: inMain.logger });

  const internal = (lines: Record<string, unknown>[]): Record<string, unknown> => {
    const line = lines.find((each) => each.reason === 'internal' && each.err !== undefined);
    assert.ok(line, JSON.stringify(lines));
    const { time: _time, err, ...fields } = line;
    const { type, message } = err as Record<string, string>;
    return { ...fields, err: { type, message } };
  };
  assert.deepEqual(internal(inWorker.lines()), internal(inMain.lines()));
  assert.equal(internal(inWorker.lines()).level, 'debug');
});

test('a worker that throws outside any probe logs it as fatal through the pool\'s logger, then is replaced', async (t) => {
  const { logger, lines } = capturedLogger();
  const pool = new ProbeWorkerPool({ size: 1, modules: parseConfig(modulesYaml(200), 'blackbox.yml').modules, logger });
  t.after(() => pool.close());
  // A message the worker cannot read (no sender makes one): its handler throws, outside any probe.
  const worker = (pool as unknown as { threads: { worker: { postMessage(message: unknown): void } }[] }).threads[0]!.worker;
  worker.postMessage({ type: 'modules', modules: 42 });
  await waitFor('the worker replaced', () => lines().some((line) => line.msg === 'probe worker exited; starting a new one'), { timeoutMs: 5000 });
  const fatal = lines().find((line) => line.level === 'fatal');
  assert.ok(fatal, JSON.stringify(lines()));
  assert.equal(fatal.msg, 'uncaught exception outside any probe; exiting');
  assert.match((fatal.err as { message: string }).message, /not iterable/);
  await waitFor('a new worker', () => pool.inFlight().length === 1, { timeoutMs: 5000 });
});

test('resize adds workers at once, and a worker taken away finishes its checks in flight before it ends', async (t) => {
  const server = await startTargetServer(t);
  server.always('/slow', { delayMs: 500 });
  const pool = new ProbeWorkerPool({ size: 1, modules: parseConfig(modulesYaml(200), 'blackbox.yml').modules });
  t.after(() => pool.close());
  assert.equal(pool.readyWorkers, 0, 'a worker takes checks once it has started');
  pool.resize(2);
  assert.equal(pool.size, 2);
  assert.deepEqual(pool.inFlight(), [0, 0]);
  await waitFor('both workers ready', () => pool.readyWorkers === 2);
  const request = { target: server.url('/slow'), module: 'web', timeoutSeconds: 2 };
  const inFlight = [pool.probe({ ...request, signal: new AbortController().signal }), pool.probe({ ...request, signal: new AbortController().signal })];
  assert.deepEqual(pool.inFlight(), [1, 1]);
  pool.resize(1);
  assert.deepEqual(pool.inFlight(), [1], 'the retired worker takes no new checks');
  const outcomes = await Promise.all(inFlight);
  assert.deepEqual(outcomes.map((outcome) => outcome.success), [true, true], 'both checks end as they would have');
  pool.resize(0);
  assert.equal(pool.size, 0);
  await assert.rejects(pool.probe({ ...request, signal: new AbortController().signal }), /no probe worker is running/);
  assert.throws(() => pool.resize(-1), /cannot have -1 workers/);
});
