/** file_sd: Prometheus' file format, globs, change pick-up, and a bad file keeping the last good list. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../../prober/config.js';
import { configuredProbe } from '../../../prober/scheduler/probe-adapter.js';
import { Scheduler } from '../../../prober/scheduler/scheduler.js';
import { FileSdError, parseFileSd, TargetSource } from '../../../prober/scheduler/targets.js';
import { waitFor } from '../../helpers/wait.js';
import { capturedLogger, schedulerConfig, startTargetServer } from './helpers.js';

test('parseFileSd reads JSON and YAML target groups; internal and empty labels are dropped', () => {
  const json = '[{"targets": ["a:1", "b:2"], "labels": {"env": "prod", "__meta_x": "y", "empty": ""}}, {"targets": ["c:3"]}]';
  assert.deepEqual(parseFileSd(json, 'x.json').groups, [
    { targets: ['a:1', 'b:2'], labels: { env: 'prod' } },
    { targets: ['c:3'], labels: {} },
  ]);
  const yaml = '- targets:\n    - https://panel-1.example\n  labels:\n    datacenter: fra\n';
  assert.deepEqual(parseFileSd(yaml, 'x.yml').groups, [{ targets: ['https://panel-1.example'], labels: { datacenter: 'fra' } }]);
  assert.deepEqual(parseFileSd('', 'empty.yml'), { groups: [], rejected: [] });
});

const BAD_TARGETS = ['127.0.0.1:0', 'a.example:65536', '[::1]:00000', 'b.example:http', 'http://c.example:99999/', '[::1', '[%zz]:80'];

test('parseFileSd: a JSON list with nothing to report reads as the same list in YAML form (which the walker reads)', () => {
  const groups = Array.from({ length: 20 }, (_, g) => ({
    targets: Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? `http://127.0.0.1:${8000 + g}/t/${i}` : `panel-${g}-${i}.example:443`)),
    labels: { datacenter: `dc${g % 3}`, __meta_dropped: 'x', empty: '' },
  }));
  const json = JSON.stringify(groups);
  const yaml = groups.map(({ targets, labels }) => `- targets:\n${targets.map((target) => `    - '${target}'\n`).join('')}  labels:\n    datacenter: ${labels.datacenter}\n    __meta_dropped: x\n    empty: ''\n`).join('');
  const fromJson = parseFileSd(json, 'x.json');
  assert.deepEqual(fromJson, parseFileSd(yaml, 'x.yml'));
  assert.equal(fromJson.groups.length, 20);
  assert.deepEqual(fromJson.groups[4]!.labels, { datacenter: 'dc1' });
});

test('parseFileSd drops targets /probe would refuse (bad port, malformed address), naming line and reason, and keeps the rest', () => {
  const yaml = `- targets:\n    - ok-1.example:443\n${BAD_TARGETS.map((target) => `    - '${target}'\n`).join('')}    - https://ok-2.example/\n`;
  const { groups, rejected } = parseFileSd(yaml, 'x.yml');
  assert.deepEqual(groups, [{ targets: ['ok-1.example:443', 'https://ok-2.example/'], labels: {} }]);
  assert.deepEqual(rejected.map(({ target, line }) => ({ target, line })), BAD_TARGETS.map((target, i) => ({ target, line: 3 + i })));
  assert.match(rejected[0]!.reason, /^Invalid target "127\.0\.0\.1:0": port "0" is not a number from 1 to 65535$/);
  assert.match(rejected[3]!.reason, /port "http" is not a number from 1 to 65535/);
  assert.match(rejected[5]!.reason, /missing '\]' in address/);
});

test('TargetSource logs each rejected file_sd target with file, line and target, and lists the rest of the file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'platypus-file-sd-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'panels.json');
  await writeFile(file, JSON.stringify([{ targets: ['good:80', ...BAD_TARGETS] }, { targets: ['also-good:8080'] }], null, 1));
  const { logger, lines } = capturedLogger();
  const source = new TargetSource({ logger, onChange: () => {} });
  t.after(() => source.close());
  await source.setConfig(schedulerConfig(`scheduler:\n  groups:\n    - name: g\n      module: tcp_connect\n      file_sd: ['${file}']\n`));
  assert.deepEqual(source.targets().map((spec) => spec.target), ['good:80', 'also-good:8080']);
  const warnings = lines().filter((line) => line.level === 'warn');
  assert.deepEqual(warnings.map((line) => [line.file, line.target, line.line]), BAD_TARGETS.map((target, i) => [file, target, 5 + i]));
  for (const line of warnings) assert.match(String(line.reason), /^Invalid target /);
});

test('parseFileSd names file and line of each mistake', () => {
  const cases: [string, string][] = [
    ['[{"targets": ["a"]},\n {"targets": ["b"]\n', 'x.json:3: '],
    ['[{"targets": ["a"]},\n {"labels": {"a": "b"}}]', 'x.json:2: entry 1: "targets" is missing'],
    ['[{"targets": ["a"],\n  "labels": {"module": "x"}}]', 'x.json:2: entry 0: label "module" is set by the scheduler'],
    ['- targets: [a]\n  lables: {a: b}\n', 'x.json:2: entry 0: unknown key "lables" (allowed: targets, labels)'],
    ['- targets: [a, 3]\n', 'x.json:1: entry 0: each target must be a non-empty string'],
    ['- targets: [a]\n  labels:\n    bad-name: x\n', 'x.json:3: entry 0: invalid label name "bad-name"'],
    ['{"targets": ["a"]}', 'x.json:1: must be a list of target groups'],
  ];
  for (const [text, expected] of cases) {
    assert.throws(() => parseFileSd(text, 'x.json'), (error: unknown) => {
      assert.ok(error instanceof FileSdError);
      assert.ok(error.message.startsWith(expected), `${JSON.stringify(text)}: got ${error.message}`);
      return true;
    });
  }
});

test('TargetSource expands globs, follows changes, keeps the last good list of a broken file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'platypus-file-sd-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'a.json'), JSON.stringify([{ targets: ['a1', 'a2'], labels: { env: 'prod' } }]));
  await writeFile(join(dir, 'b.yml'), '- targets: [b1]\n');
  await writeFile(join(dir, 'notes.txt'), 'not a target file');
  const config = schedulerConfig(
    `scheduler:\n  file_sd_refresh_interval: 1h\n  groups:\n    - name: g\n      module: http_2xx\n      labels: {env: dev, team: ops}\n      file_sd: ['${dir}/*.json', '${dir}/*.yml']\n`,
  );
  const { logger, lines } = capturedLogger();
  let changes = 0;
  const source = new TargetSource({ logger, onChange: () => changes++ });
  t.after(() => source.close());
  await source.setConfig(config);
  const list = (): string[] => source.targets().map((spec) => `${spec.target} ${JSON.stringify(spec.labels)}`);
  assert.deepEqual(list(), ['a1 {"env":"prod","team":"ops"}', 'a2 {"env":"prod","team":"ops"}', 'b1 {"env":"dev","team":"ops"}']);

  // A change is seen through the directory watch, without an explicit refresh.
  await writeFile(join(dir, 'c.json'), JSON.stringify([{ targets: ['c1'] }]));
  await waitFor('the new file, and the change announced', () => changes >= 1 && list().some((entry) => entry.startsWith('c1 ')), { timeoutMs: 5000 });

  await writeFile(join(dir, 'a.json'), '[{"targets": ["a1", "a2"],\n  "labels": {"env": }}]');
  await source.refresh();
  assert.deepEqual(list().slice(0, 2), ['a1 {"env":"prod","team":"ops"}', 'a2 {"env":"prod","team":"ops"}'], 'last good list kept');
  await waitFor('the error logged', () => lines().some((line) => line.level === 'error' && String(line.file).endsWith('a.json')), { timeoutMs: 5000 });
  const logged = lines().find((line) => line.level === 'error' && String(line.file).endsWith('a.json'))!;
  assert.match(String((logged.err as { message: string }).message), /a\.json:2: /);
  assert.match(String(logged.msg), /keeping its last good targets/);

  // A file past the size bound (sparse: no disk used) is not read, and keeps its last good list too.
  await truncate(join(dir, 'a.json'), 64 * 1024 * 1024 + 1);
  await source.refresh();
  assert.deepEqual(list().slice(0, 2), ['a1 {"env":"prod","team":"ops"}', 'a2 {"env":"prod","team":"ops"}'], 'last good list kept past the bound');
  const tooLarge = lines().find((line) => line.level === 'error' && /more than the 67108864 it may have/.test(String((line.err as { message?: string } | undefined)?.message)));
  assert.ok(tooLarge !== undefined && String(tooLarge.file).endsWith('a.json'), 'the size named in the log');

  await writeFile(join(dir, 'a.json'), JSON.stringify([{ targets: ['a3'] }]));
  await unlink(join(dir, 'b.yml'));
  await source.refresh();
  assert.deepEqual(list(), ['a3 {"env":"dev","team":"ops"}', 'c1 {"env":"dev","team":"ops"}']);
});

test('the scheduler starts checking targets added to a file_sd file and stops checking removed ones', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'platypus-file-sd-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const server = await startTargetServer(t);
  const file = join(dir, 'panels.json');
  await writeFile(file, JSON.stringify([{ targets: [server.url('/one')], labels: { panel: 'one' } }]));
  const scheduler = new Scheduler({ probe: configuredProbe(() => defaultConfig()) });
  t.after(() => scheduler.stop());
  await scheduler.start(
    schedulerConfig(`scheduler:\n  groups:\n    - name: panels\n      module: http_2xx\n      interval: 200ms\n      timeout: 150ms\n      file_sd: [panels.json]\n`, dir),
  );
  await waitFor('the first target checked', () => (server.hits.get('/one') ?? 0) >= 1, { timeoutMs: 5000 });
  await writeFile(file, JSON.stringify([{ targets: [server.url('/two')], labels: { panel: 'two' } }]));
  await waitFor('the second target checked', () => (server.hits.get('/two') ?? 0) >= 2, { timeoutMs: 5000 });
  assert.deepEqual([...scheduler.targets()].map((state) => state.labels), [{ target: server.url('/two'), module: 'http_2xx', panel: 'two' }]);
});
