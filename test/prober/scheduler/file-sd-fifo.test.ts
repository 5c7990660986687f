/** A FIFO among the file_sd files of the real platypus-prober: start-up and reload never wait on it. */
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../helpers/wait.js';
import { startProber } from '../cli-helpers.js';
import { startTargetServer } from './helpers.js';

const config = (pattern: string, extra = ''): string =>
  `modules:\n  web:\n    prober: http\n    timeout: 2s\n${extra}scheduler:\n  groups:\n    - name: panels\n      module: web\n      interval: 250ms\n      timeout: 200ms\n      file_sd: [${JSON.stringify(pattern)}]\n`;

test('a FIFO matching a file_sd glob is skipped with a log line: the prober listens, checks the other files and answers POST /-/reload', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'platypus-file-sd-fifo-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const server = await startTargetServer(t);
  // Sorted before the regular file, so a blocking read would stop the whole pass.
  execFileSync('mkfifo', [join(dir, 'a-panels.json')]);
  await writeFile(join(dir, 'b-panels.json'), JSON.stringify([{ targets: [server.url('/ok')] }]));
  const file = join(dir, 'blackbox.yml');
  await writeFile(file, config(join(dir, '*.json')));

  const prober = await startProber(t, [`--config.file=${file}`]);
  const targets = async (): Promise<{ target: string; state: string }[]> =>
    ((await (await fetch(`${prober.url}/api/v1/targets`)).json()) as { targets: { target: string; state: string }[] }).targets;
  await waitFor('the regular file_sd target checked', async () => (await targets()).find((target) => target.target === server.url('/ok'))?.state === 'up', { timeoutMs: 15_000 });
  assert.deepEqual((await targets()).map((target) => target.target), [server.url('/ok')]);
  assert.match(prober.output(), /a-panels\.json.*not a regular file|not a regular file.*a-panels\.json/);

  // A reload re-reads every file_sd file; the config changed, so the whole pass runs again.
  await writeFile(file, config(join(dir, '*.json'), '  tcp:\n    prober: tcp\n'));
  const reload = await fetch(`${prober.url}/-/reload`, { method: 'POST', signal: AbortSignal.timeout(15_000) });
  assert.equal(reload.status, 200, await reload.text());
  assert.deepEqual((await targets()).map((target) => target.target), [server.url('/ok')]);
});
