/** Schedule semantics against real local HTTP targets, probed with the prober's real probe(). */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultConfig } from '../../../prober/config.js';
import { configuredProbe } from '../../../prober/scheduler/probe-adapter.js';
import { Scheduler, type CheckProbe, type SchedulerOptions } from '../../../prober/scheduler/scheduler.js';
import type { TargetState } from '../../../prober/scheduler/state.js';
import { parseExposition, sampleValue } from '../../helpers/exposition.js';
import { freePort } from '../../helpers/ports.js';
import { waitFor } from '../../helpers/wait.js';
import { capturedLogger, schedulerConfig, startTargetServer } from './helpers.js';

const modules = defaultConfig();

function group(name: string, targets: string[], settings: string): string {
  return `    - name: ${name}\n      module: http_2xx\n${settings.replace(/^/gm, '      ')}\n      targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]\n`;
}

async function startScheduler(t: TestContext, yaml: string, options: Partial<SchedulerOptions> = {}): Promise<Scheduler> {
  const scheduler = new Scheduler({ probe: configuredProbe(() => modules), ...options });
  t.after(() => scheduler.stop());
  await scheduler.start(schedulerConfig(yaml));
  return scheduler;
}

function stateOf(scheduler: Scheduler, target: string): TargetState {
  const found = [...scheduler.targets()].find((state) => state.spec.target === target);
  assert.ok(found, `no state for ${target}`);
  return found;
}

const checks = (state: TargetState): number => state.checksSucceeded + state.checksFailed;

test('retries turn one dropped probe into no failure; without retries the same drop is a failed check', async (t) => {
  const server = await startTargetServer(t);
  const withRetries = server.url('/with-retries');
  const without = server.url('/without-retries');
  const scheduler = await startScheduler(
    t,
    `scheduler:\n  groups:\n${group('retrying', [withRetries], 'interval: 1s\ntimeout: 1s\nretries: 2\nretry_interval: 30ms')}${group('single', [without], 'interval: 1s\ntimeout: 1s\nretries: 0')}`,
  );
  const a = stateOf(scheduler, withRetries);
  const b = stateOf(scheduler, without);
  await waitFor('first checks', () => checks(a) >= 1 && checks(b) >= 1 && b.status === 'up');
  assert.equal(a.status, 'up');
  const aBefore = a.checksSucceeded;
  const bBefore = b.checksSucceeded;
  // The first check of a loaded machine's cold process may time out; the drop is counted from here.
  const bFailedBefore = b.checksFailed;
  server.script('/with-retries', 'drop');
  server.script('/without-retries', 'drop');
  await waitFor('two more checks each', () => a.checksSucceeded >= aBefore + 2 && checks(b) >= bBefore + 3);
  assert.equal(a.checksFailed, 0, 'the dropped probe was retried, so no check failed');
  assert.equal(a.status, 'up');
  assert.equal(b.checksFailed - bFailedBefore, 1, 'without retries the drop is one failed check');
  assert.equal(b.status, 'up', 'the next check brought it back up');
  assert.ok(b.lastFailureReason !== undefined && b.lastFailureReason !== 'unknown');
  // Every finished check of the retrying target took one request, plus one for the dropped attempt
  // (and one more if a check is under way right now).
  await scheduler.stop();
  const hits = server.hits.get('/with-retries')! - checks(a);
  assert.ok(hits === 1 || hits === 2, `requests beyond one per check: ${hits}`);
});

test('a target slower than usual but inside the timeout stays up; one past the timeout goes down with reason timeout', async (t) => {
  const server = await startTargetServer(t);
  server.always('/slow', { delayMs: 150 });
  server.always('/too-slow', { delayMs: 4000 });
  const slow = server.url('/slow');
  const tooSlow = server.url('/too-slow');
  const scheduler = await startScheduler(t, `scheduler:\n  groups:\n${group('g', [slow, tooSlow], 'interval: 1s\ntimeout: 1s\nretries: 1\nretry_interval: 20ms')}`);
  const a = stateOf(scheduler, slow);
  const b = stateOf(scheduler, tooSlow);
  await waitFor('three checks of the slow target and a down', () => checks(a) >= 3 && b.status === 'down');
  assert.equal(a.status, 'up');
  assert.equal(a.checksFailed, 0);
  assert.ok(a.lastDurationSeconds! >= 0.15, `latency ${a.lastDurationSeconds} reflects the slow answer`);
  assert.equal(b.lastFailureReason, 'timeout');
  // Timers fire late on a loaded machine; the answer would have come at 4 s.
  assert.ok(b.lastDurationSeconds! < 1 + 1, `the attempt ended at its timeout (${b.lastDurationSeconds}s)`);
});

test("a module's timeout shorter than the group's ends the attempt at the module's", async (t) => {
  const server = await startTargetServer(t);
  server.always('/slow', { delayMs: 3000 });
  const config = defaultConfig();
  const modules = new Map(config.modules);
  modules.set('http_2xx', { ...config.modules.get('http_2xx')!, timeout: 0.2 });
  const scheduler = await startScheduler(t, `scheduler:\n  groups:\n${group('g', [server.url('/slow')], 'interval: 5s\ntimeout: 5s\nretries: 0')}`, {
    probe: configuredProbe(() => ({ ...config, modules })),
  });
  const state = stateOf(scheduler, server.url('/slow'));
  await waitFor('the check to end', () => checks(state) === 1, { timeoutMs: 4000 });
  assert.equal(state.lastFailureReason, 'timeout');
  assert.ok(state.lastDurationSeconds! < 1, `ended at the module's 0.2 s, not the group's 5 s (${state.lastDurationSeconds}s)`);
});

test('a dead target goes down only after its retries, then is checked once per interval', async (t) => {
  const server = await startTargetServer(t);
  server.always('/dead', 'error');
  const dead = server.url('/dead');
  const refused = `http://127.0.0.1:${await freePort()}/`;
  const scheduler = await startScheduler(t, `scheduler:\n  groups:\n${group('g', [dead, refused], 'interval: 500ms\ntimeout: 400ms\nretries: 2\nretry_interval: 40ms')}`);
  const a = stateOf(scheduler, dead);
  const b = stateOf(scheduler, refused);
  const seen = new Set<string>();
  await waitFor('the dead target to go down', () => {
    seen.add(a.status);
    return a.status === 'down';
  }, { timeoutMs: 5000, intervalMs: 5 });
  assert.ok(seen.has('pending'), `pending came first (saw ${[...seen].join(', ')})`);
  assert.equal(server.hits.get('/dead'), 3, 'one probe and two retries');
  assert.equal(a.checksFailed, 1);
  assert.equal(a.lastFailureReason, 'status_code');
  const downSince = a.sinceMs;
  await waitFor('two more checks', () => a.checksFailed >= 3, { timeoutMs: 5000 });
  assert.equal(server.hits.get('/dead'), 5, 'a target already down is not retried');
  assert.equal(a.sinceMs, downSince, 'down since the first failure');
  await waitFor('the refused target down', () => b.status === 'down', { timeoutMs: 5000 });
  assert.equal(b.lastFailureReason, 'connect_refused');
  server.always('/dead', 'ok');
  await waitFor('recovery', () => a.status === 'up', { timeoutMs: 5000 });
  assert.ok(a.sinceMs! > downSince!);
});

test('/metrics counters, states and latest results match the checks, with every label set', async (t) => {
  const server = await startTargetServer(t);
  server.always('/bad', 'error');
  const good = server.url('/good');
  const bad = server.url('/bad');
  const scheduler = await startScheduler(
    t,
    `scheduler:\n  location: from-config\n  groups:\n${group('panels', [good, bad], 'interval: 300ms\ntimeout: 300ms\nretries: 2\nretry_interval: 20ms\nlabels: {env: prod, team: games}')}`,
    { location: 'eu-west' },
  );
  await waitFor('a few checks', () => [...scheduler.targets()].every((state) => checks(state) >= 3), { timeoutMs: 5000 });
  await scheduler.stop();
  const text = scheduler.renderMetrics();
  const families = parseExposition(text);
  const labels = { module: 'http_2xx', env: 'prod', team: 'games', location: 'eu-west' };
  for (const [target, expectUp] of [[good, true], [bad, false]] as const) {
    const state = stateOf(scheduler, target);
    const at = { ...labels, target };
    assert.equal(sampleValue(families, 'probe_checks_total', { ...at, result: 'success' }), state.checksSucceeded);
    assert.equal(sampleValue(families, 'probe_checks_total', { ...at, result: 'failure' }), state.checksFailed);
    assert.equal(expectUp ? state.checksFailed : state.checksSucceeded, 0);
    assert.equal(sampleValue(families, 'probe_check_duration_seconds_count', at), checks(state));
    assert.equal(sampleValue(families, 'probe_check_duration_seconds_bucket', { ...at, le: '+Inf' }), checks(state));
    assert.equal(sampleValue(families, 'probe_success', at), expectUp ? 1 : 0);
    assert.equal(sampleValue(families, 'probe_http_status_code', at), expectUp ? 200 : 500);
    assert.equal(sampleValue(families, 'probe_target_state', { ...at, state: expectUp ? 'up' : 'down' }), 1);
    assert.equal(sampleValue(families, 'probe_target_state', { ...at, state: 'pending' }), 0);
    assert.equal(sampleValue(families, 'probe_http_duration_seconds', { ...at, phase: 'connect' }) !== undefined, true);
  }
  assert.equal(sampleValue(families, 'probe_failure_info', { target: bad, reason: 'status_code' }), 1);
  assert.equal(families.get('probe_checks_total')?.type, 'counter');
  assert.equal(families.get('probe_check_duration_seconds')?.type, 'histogram');
  assert.equal(sampleValue(families, 'probe_scheduler_targets', { location: 'eu-west' }), 2);
  for (const family of families.values()) {
    assert.notEqual(family.help, '', `${family.name} has HELP`);
    for (const sample of family.samples) {
      assert.equal(sample.labels.location, 'eu-west', `${sample.name} carries the location`);
      for (const [name, value] of Object.entries(sample.labels)) assert.ok(value !== '' && value !== 'null', `${sample.name} ${name}="${value}"`);
    }
  }
  // OpenMetrics names the counter family without _total; the samples keep it.
  const openMetrics = scheduler.renderMetrics('openmetrics');
  assert.match(openMetrics, /^# TYPE probe_checks counter$/m);
  assert.match(openMetrics, /^probe_checks_total\{/m);
});

/** Family names of the series that carry `target`, and the number of those series. */
function perTarget(text: string, target: string): { names: string[]; series: number } {
  const names = new Set<string>();
  let series = 0;
  for (const family of parseExposition(text).values()) {
    for (const sample of family.samples) {
      if (sample.labels.target !== target) continue;
      names.add(family.name);
      series++;
    }
  }
  return { names: [...names].sort(), series };
}

test('without probe details each target exports only its summary families; with them, every probe family', async (t) => {
  const server = await startTargetServer(t);
  server.always('/bad', 'error');
  const [good, bad] = [server.url('/good'), server.url('/bad')];
  const yaml = `scheduler:\n  groups:\n${group('g', [good, bad], 'interval: 300ms\ntimeout: 300ms\nretries: 0')}`;
  const lean = await startScheduler(t, yaml, { probeDetails: false });
  const full = await startScheduler(t, yaml);
  for (const scheduler of [lean, full]) await waitFor('both checked', () => [...scheduler.targets()].every((state) => checks(state) >= 1), { timeoutMs: 5000 });
  await Promise.all([lean.stop(), full.stop()]);
  const own = ['probe_check_duration_seconds', 'probe_checks_total', 'probe_target_state', 'probe_target_state_since_timestamp_seconds'];
  const leanText = lean.renderMetrics();
  assert.deepEqual(perTarget(leanText, good).names, [...own, 'probe_duration_seconds', 'probe_success'].sort());
  assert.deepEqual(perTarget(leanText, bad).names, [...own, 'probe_duration_seconds', 'probe_failure_info', 'probe_success'].sort());
  const fullGood = perTarget(full.renderMetrics(), good);
  assert.ok(fullGood.names.includes('probe_http_duration_seconds') && fullGood.names.includes('probe_http_status_code'), fullGood.names.join());
  assert.ok(fullGood.series > perTarget(leanText, good).series);
  assert.doesNotMatch(leanText, /probe_http_/);
});

test('one target never has two checks at once, and the global bound holds', async (t) => {
  const server = await startTargetServer(t);
  const paths = ['/a', '/b', '/c', '/d', '/e', '/f'];
  for (const path of paths) server.always(path, { delayMs: 90 });
  // A check can last 3 × 100 ms + retry waits, much longer than its 100 ms interval.
  server.always('/a', 'drop');
  const scheduler = await startScheduler(
    t,
    `scheduler:\n  max_concurrent_checks: 2\n  groups:\n${group('g', paths.map((path) => server.url(path)), 'interval: 100ms\ntimeout: 100ms\nretries: 2\nretry_interval: 20ms')}`,
  );
  await waitFor('skipped slots', () => scheduler.stats().skipped >= 10 && checks(stateOf(scheduler, server.url('/b'))) >= 2, { timeoutMs: 6000 });
  assert.ok(server.maxOpen.all <= 2, `at most 2 probes at once, saw ${server.maxOpen.all}`);
  assert.equal(server.maxOpen.all, 2, 'the bound was reached');
  for (const path of paths) assert.ok((server.maxOpen.byPath.get(path) ?? 0) <= 1, `${path} never probed twice at once`);
});

test('reload keeps the state and history of unchanged targets and drops removed ones', async (t) => {
  const server = await startTargetServer(t);
  const [kept, removed, added] = [server.url('/kept'), server.url('/removed'), server.url('/added')];
  const settings = 'interval: 300ms\ntimeout: 300ms\nretries: 2\nretry_interval: 20ms';
  const scheduler = await startScheduler(t, `scheduler:\n  groups:\n${group('g', [kept, removed], settings)}`);
  const keptState = stateOf(scheduler, kept);
  await waitFor('checks', () => checks(keptState) >= 3 && checks(stateOf(scheduler, removed)) >= 1, { timeoutMs: 5000 });
  const before = checks(keptState);
  await scheduler.reload(schedulerConfig(`scheduler:\n  groups:\n${group('g', [kept, added], settings.replace('interval: 300ms', 'interval: 400ms'))}`));
  assert.equal(stateOf(scheduler, kept), keptState, 'same state object');
  assert.ok(checks(keptState) >= before);
  assert.equal(keptState.history.availability(24, Date.now()).checks >= before, true, 'history kept');
  assert.equal(keptState.spec.group.interval, 0.4, 'new settings applied');
  assert.equal([...scheduler.targets()].some((state) => state.spec.target === removed), false);
  await waitFor('the added target checked', () => checks(stateOf(scheduler, added)) >= 1, { timeoutMs: 5000 });
  const hitsOfRemoved = server.hits.get('/removed');
  await sleep(600);
  assert.equal(server.hits.get('/removed'), hitsOfRemoved, 'a removed target is no longer probed');
  const text = scheduler.renderMetrics();
  assert.equal(sampleValue(text, 'probe_success', { target: removed }), undefined, 'its series are gone');
  assert.equal(sampleValue(text, 'probe_success', { target: kept }), 1);
});

test('checks of many targets spread over the interval by a stable phase', async (t) => {
  const server = await startTargetServer(t);
  const targets = Array.from({ length: 40 }, (_, i) => server.url(`/spread/${i}`));
  const scheduler = await startScheduler(t, `scheduler:\n  groups:\n${group('g', targets, 'interval: 2s\ntimeout: 1s\nretries: 0')}`);
  const phases = [...scheduler.targets()].map((state) => state.phase);
  assert.equal(new Set(phases).size, 40);
  // With 40 targets spread uniformly, each quarter of the interval holds some of them.
  for (let quarter = 0; quarter < 4; quarter++) {
    assert.ok(phases.some((phase) => phase >= quarter / 4 && phase < (quarter + 1) / 4), `a phase in quarter ${quarter}`);
  }
  await waitFor('second round', () => [...scheduler.targets()].every((state) => checks(state) >= 2), { timeoutMs: 15_000 });
  const delay = scheduler.stats().startDelay;
  assert.ok(delay.samples >= 40);
  assert.ok(delay.p99 < 2, `checks start within an interval of their slot (p99 ${delay.p99}s)`);
  // The same skew on /metrics, as a summary.
  const text = scheduler.renderMetrics();
  assert.match(text, /# TYPE probe_scheduler_check_start_delay_seconds summary\n/);
  assert.match(text, /^probe_scheduler_check_start_delay_seconds\{quantile="0\.99"\} [\d.e-]+$/m);
  assert.ok(Number(/^probe_scheduler_check_start_delay_seconds_count (\d+)$/m.exec(text)?.[1]) >= 40);
  // The same labels give the same phase in a new scheduler (a restart keeps slots).
  const again = new Scheduler({ probe: configuredProbe(() => modules) });
  t.after(() => again.stop());
  await again.start(schedulerConfig(`scheduler:\n  groups:\n${group('g', targets, 'interval: 2s\ntimeout: 1s\nretries: 0')}`));
  assert.deepEqual([...again.targets()].map((state) => state.phase), phases);
});

test('a list larger than the concurrency bound starts at its slots over the first interval; a smaller one at once', async (t) => {
  const server = await startTargetServer(t);
  const firstProbe = new Map<string, number>();
  const real = configuredProbe(() => modules);
  const probe: CheckProbe = (request) => {
    if (!firstProbe.has(request.target)) firstProbe.set(request.target, Date.now());
    return real(request);
  };
  const settings = 'interval: 2s\ntimeout: 1s\nretries: 0';
  const large = Array.from({ length: 20 }, (_, i) => server.url(`/large/${i}`));
  const startedLarge = Date.now();
  const scheduler = await startScheduler(t, `scheduler:\n  max_concurrent_checks: 4\n  groups:\n${group('g', large, settings)}`, { probe });
  const loaded = Date.now();
  await waitFor('every first check', () => large.every((target) => firstProbe.has(target)), { timeoutMs: 5000 });
  for (const state of scheduler.targets()) {
    // The list was read between the two times: its first slot is at or after the first one's.
    const slotFrom = (time: number): number => Math.ceil((time - state.phase * 2000) / 2000) * 2000 + state.phase * 2000;
    const at = firstProbe.get(state.spec.target)! - startedLarge;
    const [earliest, latest] = [slotFrom(startedLarge) - startedLarge, slotFrom(loaded) - startedLarge];
    assert.ok(at >= earliest - 1 && at < latest + 1000, `${state.spec.target}: first probe ${at} ms after start, its slot ${earliest}–${latest} ms`);
  }
  const times = large.map((target) => firstProbe.get(target)!);
  assert.ok(Math.max(...times) - Math.min(...times) > 1000, 'the first checks spread over the interval');

  // Added to a running list, fewer targets than the bound are checked at once.
  const small = [server.url('/small/a'), server.url('/small/b')];
  const startedSmall = Date.now();
  await scheduler.reload(schedulerConfig(`scheduler:\n  max_concurrent_checks: 4\n  groups:\n${group('g', [...large, ...small], settings)}`));
  await waitFor('the added targets checked', () => small.every((target) => firstProbe.has(target)), { timeoutMs: 5000 });
  for (const target of small) assert.ok(firstProbe.get(target)! - startedSmall < 500, `${target} checked at once`);
});

test('a probe that throws is logged as an error, but not one cut off by the scheduler stopping', async (t) => {
  const { logger, lines } = capturedLogger();
  let stopping = false;
  const cutOff: Array<() => void> = [];
  // Throws at once while running; at stop, like a probe in a closing worker pool, it rejects only later.
  const probe: SchedulerOptions['probe'] = () =>
    stopping ? new Promise((_, reject) => cutOff.push(() => reject(new Error('probe worker exited with code 1')))) : Promise.reject(new Error('broken probe'));
  const yaml = `scheduler:\n  groups:\n${group('g', ['http://127.0.0.1:9/a'], 'interval: 1s\ntimeout: 1s\nretries: 0')}`;
  const scheduler = await startScheduler(t, yaml, { probe, logger });
  await waitFor('the first failed check', () => stateOf(scheduler, 'http://127.0.0.1:9/a').checksFailed > 0);
  const threw = () => lines().filter((line) => line.msg === 'probe threw; counted as a failed attempt');
  assert.ok(threw().length >= 1);
  assert.ok(threw().every((line) => (line.err as { message: string }).message === 'broken probe'));
  stopping = true;
  await waitFor('a check in flight', () => cutOff.length > 0, { timeoutMs: 5_000 });
  const before = threw().length;
  await scheduler.stop();
  for (const reject of cutOff) reject();
  await sleep(10);
  assert.equal(threw().length, before);
});
