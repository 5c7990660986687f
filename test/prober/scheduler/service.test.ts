/** The scheduler inside the prober program: it follows the config file through reloads. */
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProberApp } from '../../../prober/server/app.js';
import { parseConfig, type Config } from '../../../prober/config.js';
import { SchedulerService } from '../../../prober/scheduler/service.js';
import { parseExposition, sampleValue } from '../../helpers/exposition.js';
import { waitFor } from '../../helpers/wait.js';
import { startTargetServer } from './helpers.js';

const modules = 'modules:\n  web:\n    prober: http\n    timeout: 1s\n';
const section = (targets: string[]): string =>
  `scheduler:\n  groups:\n    - name: g\n      module: web\n      interval: 200ms\n      timeout: 150ms\n      targets: ${JSON.stringify(targets)}\n`;

test('started by a scheduler section, reloaded with the file, emptied when the section goes', async (t) => {
  const server = await startTargetServer(t);
  let config: Config = parseConfig(modules, 'blackbox.yml');
  const service = new SchedulerService({ config: () => config, location: 'lab' });
  t.after(() => service.stop());
  await service.apply(config);
  assert.equal(service.active, false);
  assert.equal(service.renderMetrics(), '');

  config = parseConfig(modules + section([server.url('/a')]), 'blackbox.yml');
  await service.apply(config);
  await waitFor('a checked', () => sampleValue(service.renderMetrics(), 'probe_success', { target: server.url('/a'), location: 'lab' }) === 1, { timeoutMs: 5000 });

  config = parseConfig(modules + section([server.url('/a'), server.url('/b')]), 'blackbox.yml');
  const before = [...service.scheduler.targets()][0];
  await service.apply(config);
  assert.equal([...service.scheduler.targets()][0], before, 'unchanged target kept');
  await waitFor('b checked', () => sampleValue(service.renderMetrics(), 'probe_success', { target: server.url('/b') }) === 1, { timeoutMs: 5000 });

  config = parseConfig(modules, 'blackbox.yml');
  await service.apply(config);
  assert.equal(sampleValue(service.renderMetrics(), 'probe_scheduler_targets'), 0);
  assert.equal(sampleValue(service.renderMetrics(), 'probe_success', { target: server.url('/a') }), undefined);
});

test("the prober's /metrics streams the scheduler's series in chunks and holds exactly what renderMetrics() gives", async (t) => {
  const server = await startTargetServer(t);
  const targets = Array.from({ length: 400 }, (_, i) => server.url(`/p${i}`));
  const hourly = `scheduler:\n  groups:\n    - name: g\n      module: web\n      interval: 1h\n      timeout: 1s\n      retries: 0\n      targets: ${JSON.stringify(targets)}\n`;
  const config = parseConfig(modules + hourly, 'blackbox.yml');
  const service = new SchedulerService({ config: () => config });
  t.after(() => service.stop());
  await service.apply(config);
  await waitFor('every first check done', () => service.scheduler.stats().checksCompleted === targets.length, { timeoutMs: 120_000 });
  assert.ok([...service.metricChunks()].length > 3, 'more than one chunk per family');

  const app = buildProberApp({ scheduler: service });
  t.after(() => app.close());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  // The targets' later slots are spread over the hour, so a check may end during a scrape: compare a
  // scrape with renderMetrics() when it gave the same text before and after (no check ended between).
  const { response, body, rendered } = await waitFor('a scrape with no check ending during it', async () => {
    const before = service.renderMetrics();
    const scrape = await fetch(`http://127.0.0.1:${port}/metrics`);
    const text = await scrape.text();
    return service.renderMetrics() === before && { response: scrape, body: text, rendered: before };
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('transfer-encoding'), 'chunked');
  assert.equal(response.headers.get('content-length'), null);
  assert.ok(body.includes(rendered), 'the scheduler part is renderMetrics() verbatim');
  assert.equal(parseExposition(body).get('probe_success')?.samples.length, targets.length);
});

test('probe workers: auto runs none for a small list, a number runs that many', async (t) => {
  const server = await startTargetServer(t);
  const config = parseConfig(modules + section([server.url('/a'), server.url('/b')]), 'blackbox.yml');
  const auto = new SchedulerService({ config: () => config, probeWorkers: 'auto', cores: 8 });
  const fixed = new SchedulerService({ config: () => config, probeWorkers: 1 });
  t.after(() => Promise.all([auto.stop(), fixed.stop()]));
  await auto.apply(config);
  await fixed.apply(config);
  assert.equal(auto.probeWorkers, 0, '10 checks/s: the main thread probes');
  assert.equal(fixed.probeWorkers, 1);
  await waitFor('both checked', () => [auto, fixed].every((service) => sampleValue(service.renderMetrics(), 'probe_success', { target: server.url('/b') }) === 1), { timeoutMs: 30_000 });
});
