/** The real platypus-prober with a scheduler section: status page, API, /metrics, --location, reload. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleValue } from '../../helpers/exposition.js';
import { waitFor } from '../../helpers/wait.js';
import { runCliSync, startProber } from '../cli-helpers.js';
import { startTargetServer } from './helpers.js';

const config = (targets: string[]): string =>
  `modules:\n  web:\n    prober: http\n    timeout: 2s\nscheduler:\n  location: from-config\n  groups:\n    - name: panels\n      module: web\n      interval: 250ms\n      timeout: 200ms\n      labels: {env: prod}\n      targets: ${JSON.stringify(targets)}\n`;

test('platypus-prober checks the scheduler targets, serves the status page and their series, and follows a reload', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'platypus-prober-scheduler-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const server = await startTargetServer(t);
  const file = join(dir, 'blackbox.yml');
  await writeFile(file, config([server.url('/a')]));
  const prober = await startProber(t, [`--config.file=${file}`, '--location=lab-1']);

  const metrics = async (): Promise<string> => (await fetch(`${prober.url}/metrics`)).text();
  await waitFor('a checked', async () => sampleValue(await metrics(), 'probe_success', { target: server.url('/a'), module: 'web', env: 'prod', location: 'lab-1' }) === 1, { timeoutMs: 10_000 });
  const text = await metrics();
  assert.ok((sampleValue(text, 'probe_checks_total', { target: server.url('/a'), result: 'success', location: 'lab-1' }) ?? 0) >= 1);
  assert.equal(sampleValue(text, 'blackbox_exporter_config_last_reload_successful'), 1, "the prober's own series are still there");

  const page = await (await fetch(`${prober.url}/`)).text();
  assert.match(page, /<title>Platypus status: lab-1<\/title>/);
  assert.match(page, new RegExp(`data-target="${server.url('/a')}"`));

  await writeFile(file, config([server.url('/a'), server.url('/b')]));
  process.kill(prober.child.pid!, 'SIGHUP');
  await waitFor('b listed by the API', async () => {
    const snapshot = (await (await fetch(`${prober.url}/api/v1/targets`)).json()) as { targets: { target: string; state: string }[] };
    return snapshot.targets.find((target) => target.target === server.url('/b'))?.state === 'up';
  }, { timeoutMs: 10_000 });
});

test('--no-scheduler.probe-details leaves the probe details of scheduled targets out of /metrics, on probe workers too', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'platypus-prober-scheduler-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const server = await startTargetServer(t);
  const file = join(dir, 'blackbox.yml');
  await writeFile(file, config([server.url('/a')]));
  const prober = await startProber(t, [`--config.file=${file}`, '--no-scheduler.probe-details', '--scheduler.probe-workers=1']);
  const target = server.url('/a');
  const metrics = async (): Promise<string> => (await fetch(`${prober.url}/metrics`)).text();
  await waitFor('a checked', async () => sampleValue(await metrics(), 'probe_success', { target }) === 1, { timeoutMs: 15_000 });
  const text = await metrics();
  assert.ok((sampleValue(text, 'probe_duration_seconds', { target }) ?? 0) > 0);
  assert.equal(sampleValue(text, 'probe_http_duration_seconds', { target, phase: 'connect' }), undefined);
  assert.equal(sampleValue(text, 'probe_http_status_code', { target }), undefined);
});

test('--config.check rejects a scheduler group with an unknown module, naming file, line and key', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'platypus-prober-scheduler-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'blackbox.yml');
  await writeFile(file, config(['http://127.0.0.1:1/']).replace('module: web', 'module: http_2xx'));
  const result = runCliSync([`--config.file=${file}`, '--config.check']);
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, new RegExp(`${file.replace(/[.]/g, '\\.')}:9: scheduler\\.groups\\.0\\.module: unknown module "http_2xx"`));
});

test('a reload that adds the scheduler section turns on the status page, API and probe workers; one that drops it turns them off', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'platypus-prober-scheduler-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const server = await startTargetServer(t);
  const file = join(dir, 'blackbox.yml');
  const modulesOnly = 'modules:\n  web:\n    prober: http\n    timeout: 2s\n';
  await writeFile(file, modulesOnly);
  const prober = await startProber(t, [`--config.file=${file}`, '--scheduler.probe-workers=1']);

  const landing = await fetch(`${prober.url}/`);
  assert.equal(landing.status, 200);
  assert.match(await landing.text(), /<title>Platypus Prober<\/title>/);
  const idleApi = await fetch(`${prober.url}/api/v1/targets`);
  assert.equal(idleApi.status, 404);
  assert.match(await idleApi.text(), /no scheduler section/);

  await writeFile(file, config([server.url('/late')]));
  const reload = await fetch(`${prober.url}/-/reload`, { method: 'POST' });
  assert.equal(reload.status, 200);
  await waitFor('the late target checked on the worker', async () => {
    const response = await fetch(`${prober.url}/api/v1/targets`);
    if (response.status !== 200) return false;
    const snapshot = (await response.json()) as { targets: { target: string; state: string }[] };
    return snapshot.targets.find((target) => target.target === server.url('/late'))?.state === 'up';
  }, { timeoutMs: 15_000 });
  assert.match(await (await fetch(`${prober.url}/`)).text(), new RegExp(`data-target="${server.url('/late')}"`));

  await writeFile(file, modulesOnly);
  assert.equal((await fetch(`${prober.url}/-/reload`, { method: 'POST' })).status, 200);
  assert.match(await (await fetch(`${prober.url}/`)).text(), /<title>Platypus Prober<\/title>/, 'the landing page is back');
  assert.equal((await fetch(`${prober.url}/api/v1/targets`)).status, 404);
});
