/** Three real platypus-prober processes splitting one file_sd list with --scheduler.shard. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseExposition, sampleValue } from '../../helpers/exposition.js';
import { waitFor } from '../../helpers/wait.js';
import { runCliSync, startProber } from '../cli-helpers.js';
import { startTargetServer } from './helpers.js';

const SHARDS = 3;
const TARGETS = 30;
const INTERVAL_SECONDS = 2;
/** Intervals counted: a target checked once per interval is seen this many times, give or take one at the window's edges. */
const WINDOW_INTERVALS = 3;

const config = (shard = ''): string =>
  `modules:\n  web:\n    prober: http\n    timeout: 1s\nscheduler:\n  location: fra\n${shard}  groups:\n    - name: panels\n      module: web\n      interval: ${INTERVAL_SECONDS}s\n      timeout: 500ms\n      retries: 0\n      file_sd: [panels.json]\n`;

test('three probers with --scheduler.shard=0/3, 1/3, 2/3 on one list check every target exactly once per interval between them', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'platypus-shard-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const server = await startTargetServer(t);
  const paths = Array.from({ length: TARGETS }, (_, i) => `/panel-${i}`);
  await writeFile(join(dir, 'panels.json'), JSON.stringify(paths.map((path, i) => ({ targets: [server.url(path)], labels: { panel: `panel-${i}` } }))));
  await writeFile(join(dir, 'prober.yml'), config());
  const probers = [];
  // One at a time: three starting at once can take longer than a start may on a busy 2-core machine.
  for (let index = 0; index < SHARDS; index++) probers.push(await startProber(t, [`--config.file=${join(dir, 'prober.yml')}`, `--scheduler.shard=${index}/${SHARDS}`]));

  // Past the first checks (run as soon as a target appears) and into the regular slots.
  await waitFor('every target checked twice', () => paths.every((path) => (server.hits.get(path) ?? 0) >= 2), { timeoutMs: 60_000 });
  const before = new Map(server.hits);
  await sleep(WINDOW_INTERVALS * INTERVAL_SECONDS * 1000);
  const seen = paths.map((path) => [path, server.hits.get(path)! - before.get(path)!] as const);
  for (const [path, count] of seen) {
    assert.ok(Math.abs(count - WINDOW_INTERVALS) <= 1, `${path} checked ${count} times in ${WINDOW_INTERVALS} intervals: ${seen.map(([p, c]) => `${p}=${c}`).join(' ')}`);
  }

  const owners = new Map<string, number>();
  for (const [index, prober] of probers.entries()) {
    const families = parseExposition(await (await fetch(`${prober.url}/metrics`)).text());
    assert.equal(sampleValue(families, 'probe_scheduler_shard_info', { index: String(index), count: String(SHARDS), location: 'fra' }), 1);
    assert.equal(sampleValue(families, 'probe_scheduler_targets_listed', { location: 'fra' }), TARGETS);
    const checked = families.get('probe_success')?.samples.map((sample) => sample.labels.target!) ?? [];
    assert.equal(sampleValue(families, 'probe_scheduler_targets', { location: 'fra' }), checked.length);
    for (const target of checked) {
      assert.equal(owners.get(target), undefined, `${target} exported by shards ${owners.get(target)} and ${index}`);
      owners.set(target, index);
    }
  }
  assert.deepEqual([...owners.keys()].sort(), paths.map((path) => server.url(path)).sort(), 'each target exported by one shard, every target by one');
});

test('--config.check rejects a shard outside its count in the file, naming file, line and key; the flag is checked too', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'platypus-shard-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'prober.yml');
  await writeFile(file, config('  shard: {index: 3, count: 3}\n'));
  const inFile = runCliSync([`--config.file=${file}`, '--config.check']);
  assert.notEqual(inFile.status, 0);
  assert.match(inFile.stderr, new RegExp(`${file.replace(/[.]/g, '\\.')}:7: scheduler\\.shard\\.index: expected an integer from 0 to 2, got 3`));

  await writeFile(file, config('  shard: {index: 2, count: 3}\n'));
  const flag = runCliSync([`--config.file=${file}`, '--config.check', '--scheduler.shard=3/3']);
  assert.notEqual(flag.status, 0);
  assert.match(flag.stderr, /invalid value "3\/3" for flag --scheduler\.shard: the index must be from 0 to 2/);
  const good = runCliSync([`--config.file=${file}`, '--config.check', '--scheduler.shard=0/3']);
  assert.equal(good.status, 0, good.stderr);
});
