/** The scheduler inside the prober program: it follows the config file through reloads. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, type Config } from '../../../prober/config.js';
import { SchedulerService } from '../../../prober/scheduler/service.js';
import { sampleValue } from '../../helpers/exposition.js';
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
