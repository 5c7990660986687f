/** Sharded probing: which prober owns which target, and what the scheduler does with its share. */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../../prober/config.js';
import { configuredProbe } from '../../../prober/scheduler/probe-adapter.js';
import { Scheduler, type SchedulerOptions } from '../../../prober/scheduler/scheduler.js';
import { owns, parseShard, shardOf } from '../../../prober/scheduler/shard.js';
import { parseExposition, sampleValue } from '../../helpers/exposition.js';
import { seededRandom } from '../../helpers/random.js';
import { waitFor } from '../../helpers/wait.js';
import { schedulerConfig, startTargetServer } from './helpers.js';

const panels = (count: number): string[] => Array.from({ length: count }, (_, i) => `https://panel-${i}.example.com/`);

test('every target is owned by exactly one of n shards, and 1000 targets split roughly evenly', () => {
  const targets = panels(1000);
  for (const count of [1, 2, 3, 5, 7, 16]) {
    const perShard = new Array<number>(count).fill(0);
    for (const target of targets) {
      const owners = [...perShard.keys()].filter((index) => owns({ index, count }, target));
      assert.equal(owners.length, 1, `${target} among ${count} shards is owned by ${owners.join(', ')}`);
      perShard[owners[0]!]!++;
    }
    const fair = 1000 / count;
    for (const share of perShard) assert.ok(Math.abs(share - fair) <= fair * 0.25, `${count} shards: ${perShard.join(', ')}`);
  }
});

test("a target's shard is Prometheus' hashmod of its address, the same in every process", () => {
  // Read from Prometheus 2.42's /api/v1/targets, with `action: hashmod` relabel rules on
  // __address__ (modulus 3, 7 and 1000) over a file_sd file listing these targets.
  const fromPrometheus: [string, number, number, number][] = [
    ['https://panel-1.example.com/', 1, 5, 743],
    ['https://panel-2.example.com/', 1, 4, 275],
    ['http://127.0.0.1:8080/a', 1, 4, 423],
    ['10.0.0.1:443', 0, 6, 962],
    ['panel-5.example.com', 0, 3, 458],
  ];
  for (const [target, of3, of7, of1000] of fromPrometheus) {
    assert.deepEqual([shardOf(target, 3), shardOf(target, 7), shardOf(target, 1000)], [of3, of7, of1000], target);
  }
});

test('--scheduler.shard values: i/n with 0 ≤ i < n', () => {
  assert.deepEqual(parseShard('2/3'), { index: 2, count: 3 });
  assert.deepEqual(parseShard('0/1'), { index: 0, count: 1 });
  const cases: [string, RegExp][] = [
    ['3/3', /the index must be from 0 to 2 \(shards are numbered from 0\), got 3/],
    ['1/0', /the count must be from 1 to 1024, got 0/],
    ['1', /expected <index>\/<count>, e.g. 0\/3/],
    ['-1/3', /expected <index>\/<count>/],
    ['1/3/4', /expected <index>\/<count>/],
    ['a/b', /expected <index>\/<count>/],
  ];
  for (const [text, message] of cases) assert.throws(() => parseShard(text), message, text);
});

const modules = defaultConfig();

async function startScheduler(t: TestContext, yaml: string, baseDir: string, options: Partial<SchedulerOptions> = {}): Promise<Scheduler> {
  const scheduler = new Scheduler({ probe: configuredProbe(() => modules), ...options });
  t.after(() => scheduler.stop());
  await scheduler.start(schedulerConfig(yaml, baseDir));
  return scheduler;
}

const sectionYaml = (file: string, shard = ''): string =>
  `scheduler:\n${shard}  groups:\n    - name: panels\n      module: http_2xx\n      interval: 1h\n      timeout: 5s\n      retries: 0\n      file_sd: [${file}]\n`;

const owned = (scheduler: Scheduler): string[] => [...scheduler.targets()].map((state) => state.spec.target).sort();

test('three schedulers reading one list, in any order and with labels in any order, check every target exactly once between them', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'platypus-shard-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const server = await startTargetServer(t);
  const targets = Array.from({ length: 60 }, (_, i) => server.url(`/panel-${i}`));
  const entries = targets.map((target, i) => ({ targets: [target], labels: { panel: `panel-${i}`, team: 'hosting' } }));
  const random = seededRandom(11);
  const shuffled = [...entries].sort(() => random() - 0.5);
  const relabelled = [...entries].reverse().map((entry) => ({ targets: entry.targets, labels: { team: entry.labels.team, panel: entry.labels.panel } }));
  const lists = [entries, shuffled, relabelled];
  for (const [i, list] of lists.entries()) await writeFile(join(dir, `list-${i}.json`), JSON.stringify(list));

  const schedulers = [
    await startScheduler(t, sectionYaml('list-0.json', '  shard: {index: 0, count: 3}\n'), dir),
    await startScheduler(t, sectionYaml('list-1.json', '  shard: {count: 3, index: 1}\n'), dir),
    // The option (the --scheduler.shard flag) wins over the config's shard.
    await startScheduler(t, sectionYaml('list-2.json', '  shard: {index: 0, count: 3}\n'), dir, { shard: { index: 2, count: 3 } }),
  ];
  const shares = schedulers.map(owned);
  assert.deepEqual(shares.flat().sort(), [...targets].sort(), 'every target owned by exactly one scheduler');
  for (const share of shares) assert.ok(share.length >= 10, `each share has some of the 60: ${shares.map((s) => s.length).join(', ')}`);

  await waitFor('every first check', () => schedulers.every((scheduler) => scheduler.stats().checksCompleted === scheduler.stats().targets), { timeoutMs: 20_000 });
  for (const target of targets) assert.equal(server.hits.get(new URL(target).pathname), 1, `${target} probed once`);

  for (const [index, scheduler] of schedulers.entries()) {
    const families = parseExposition(scheduler.renderMetrics());
    assert.equal(sampleValue(families, 'probe_scheduler_shard_info', { index: String(index), count: '3' }), 1);
    assert.equal(families.get('probe_scheduler_shard_info')?.samples.length, 1);
    assert.equal(families.get('probe_scheduler_shard_info')?.type, 'gauge');
    assert.equal(sampleValue(families, 'probe_scheduler_targets_listed'), 60);
    assert.equal(sampleValue(families, 'probe_scheduler_targets'), shares[index]!.length);
    assert.equal(families.get('probe_success')?.samples.length, shares[index]!.length, 'series only for its own targets');
  }
});

test('a reload that changes the shard keeps the state of targets still owned, adds the new ones and drops the rest', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'platypus-shard-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const server = await startTargetServer(t);
  const targets = Array.from({ length: 20 }, (_, i) => server.url(`/p${i}`));
  await writeFile(join(dir, 'list.json'), JSON.stringify([{ targets }]));
  const scheduler = await startScheduler(t, sectionYaml('list.json', '  shard: {index: 0, count: 2}\n'), dir);
  const half = [...scheduler.targets()];
  assert.deepEqual(half.map((state) => state.spec.target).sort(), targets.filter((target) => shardOf(target, 2) === 0).sort());
  await waitFor('first checks', () => half.every((state) => state.checksSucceeded === 1), { timeoutMs: 10_000 });

  await scheduler.reload(schedulerConfig(sectionYaml('list.json'), dir));
  assert.equal(scheduler.shard.count, 1, 'no shard: the whole list');
  assert.deepEqual(owned(scheduler), [...targets].sort());
  for (const state of half) assert.ok([...scheduler.targets()].includes(state), `${state.spec.target} kept its state`);
  assert.ok(half.every((state) => state.checksSucceeded === 1), 'and its counters');
  const whole = [...scheduler.targets()];
  await waitFor('first checks of the other half', () => whole.every((state) => state.checksSucceeded === 1), { timeoutMs: 10_000 });

  await scheduler.reload(schedulerConfig(sectionYaml('list.json', '  shard: {index: 1, count: 2}\n'), dir));
  const other = [...scheduler.targets()];
  assert.deepEqual(other.map((state) => state.spec.target).sort(), targets.filter((target) => shardOf(target, 2) === 1).sort());
  assert.ok(other.every((state) => whole.includes(state) && state.checksSucceeded === 1), 'the shard it keeps has its state');
  assert.ok(half.every((state) => state.removed), 'the targets it gave away are no longer checked');
  assert.equal(sampleValue(scheduler.renderMetrics(), 'probe_scheduler_targets_listed'), 20);
});
