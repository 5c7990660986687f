/** --scheduler.state-file: 24 h / 7 d availability survives restarting the real platypus-prober. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StatusSnapshot } from '../../../prober/scheduler/snapshot.js';
import { waitFor } from '../../helpers/wait.js';
import { startProber } from '../cli-helpers.js';
import { startTargetServer } from './helpers.js';

const config = (targets: string[]): string =>
  `modules:\n  web:\n    prober: http\n    timeout: 2s\nscheduler:\n  groups:\n    - name: panels\n      module: web\n      interval: 500ms\n      timeout: 500ms\n      retries: 0\n      targets: ${JSON.stringify(targets)}\n`;

test('availability history is saved at shutdown and read at start; targets no longer listed are dropped', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'platypus-state-file-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const server = await startTargetServer(t);
  const panel = server.url('/panel');
  const gone = server.url('/gone');
  const file = join(dir, 'blackbox.yml');
  const stateFile = join(dir, 'state.json');
  server.script('/panel', 'error', 'error');
  await writeFile(file, config([panel, gone]));
  const first = await startProber(t, [`--config.file=${file}`, `--scheduler.state-file=${stateFile}`]);
  const api = async (url: string): Promise<StatusSnapshot> => (await (await fetch(`${url}/api/v1/targets`)).json()) as StatusSnapshot;
  const before = await waitFor('two failed and two good checks', async () => {
    const found = (await api(first.url)).targets.find((target) => target.target === panel);
    return found !== undefined && found.checks.failure === 2 && found.checks.success >= 2 ? found : undefined;
  }, { timeoutMs: 20_000 });
  assert.ok(before.availability24h !== null && before.availability24h < 1);
  await first.stop();
  const saved = JSON.parse(await readFile(stateFile, 'utf8')) as { targets: Record<string, [number, number, number][]> };
  assert.equal(Object.keys(saved.targets).length, 2);

  // Restarted with only one of the two targets, whose server now always answers.
  await writeFile(file, config([panel]));
  const second = await startProber(t, [`--config.file=${file}`, `--scheduler.state-file=${stateFile}`]);
  const after = await waitFor('the first check after the restart', async () => {
    const found = (await api(second.url)).targets[0];
    return found !== undefined && found.checks.success >= 1 ? found : undefined;
  }, { timeoutMs: 20_000 });
  assert.equal(after.checks.failure, 0, 'counters start again (they are Prometheus counters)');
  assert.ok(after.availability24h !== null && after.availability24h < 1, `the failures before the restart still count (${after.availability24h})`);
  assert.ok(after.availability7d !== null && after.availability7d < 1);
  await second.stop();
  const resaved = JSON.parse(await readFile(stateFile, 'utf8')) as { targets: Record<string, [number, number, number][]> };
  assert.deepEqual(Object.keys(resaved.targets).map((key) => key.includes(gone)), [false], 'the target no longer listed is dropped');
  // Summed over hours: the run may cross the top of an hour.
  const hours = Object.values(resaved.targets)[0]!;
  const checks = hours.reduce((sum, [, count]) => sum + count, 0);
  const successes = hours.reduce((sum, [, , good]) => sum + good, 0);
  assert.ok(checks - successes === 2 && checks > before.checks.success + 2, 'saved again with the checks of both runs');
});
