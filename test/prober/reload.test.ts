/**
 * Reloading a real config file: good → bad (last good kept, gauge 0, reason logged, 500) → good,
 * through POST /-/reload in-process and SIGHUP to the real CLI.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../common/logging.js';
import { buildProberApp } from '../../prober/server/app.js';
import { ConfigStore } from '../../prober/config-store.js';
import { sampleValue } from '../helpers/exposition.js';
import { waitFor } from '../helpers/wait.js';
import { startProber } from './cli-helpers.js';
import { listen } from './http-helpers.js';

const GOOD = 'modules:\n  web:\n    prober: http\n    http:\n      preferred_ip_protocol: ip4\n';
const BETTER = `${GOOD}  web_again:\n    prober: http\n    http:\n      preferred_ip_protocol: ip4\n`;
const BAD = 'modules:\n  web:\n    prober: http\n    http:\n      preferred_ip_protocol: ip5\n';

function configDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'platypus-reload-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('POST /-/reload: a bad file is refused with 500 and the reason, the last good config keeps serving', async (t) => {
  const port = await listen(t, createServer((_request, response) => response.end('ok')));
  const path = join(configDir(t), 'blackbox.yml');
  writeFileSync(path, GOOD);
  const logs = new PassThrough();
  let logText = '';
  logs.on('data', (chunk: Buffer) => (logText += chunk.toString()));
  const logger = createLogger({ destination: logs });
  const app = buildProberApp({ store: await ConfigStore.open({ path, logger }), logger });
  t.after(() => app.close());
  const probeWith = async (module: string) => app.inject(`/probe?target=127.0.0.1:${port}&module=${module}`);
  const reloadGauge = async () => sampleValue((await app.inject('/metrics')).body, 'blackbox_exporter_config_last_reload_successful');

  assert.equal(sampleValue((await probeWith('web')).body, 'probe_success'), 1);
  assert.equal(await reloadGauge(), 1);

  writeFileSync(path, BAD);
  const refused = await app.inject({ method: 'POST', url: '/-/reload' });
  assert.equal(refused.statusCode, 500);
  assert.match(refused.body, new RegExp(`^failed to reload config: .*blackbox\\.yml:5: modules\\.web\\.http\\.preferred_ip_protocol: `));
  assert.equal(await reloadGauge(), 0);
  assert.equal(sampleValue((await probeWith('web')).body, 'probe_success'), 1, 'the last good config still probes');
  assert.match(logText, /level=error msg="Error reloading config, keeping the last good one" file=\S+blackbox\.yml err=".*:5: modules\.web\.http\.preferred_ip_protocol/);

  writeFileSync(path, BETTER);
  const accepted = await app.inject({ method: 'POST', url: '/-/reload' });
  assert.equal(accepted.statusCode, 200);
  assert.equal(await reloadGauge(), 1);
  assert.equal(sampleValue((await probeWith('web_again')).body, 'probe_success'), 1);

  const wrongMethod = await app.inject({ method: 'GET', url: '/-/reload' });
  assert.equal(wrongMethod.statusCode, 405);
  assert.equal(wrongMethod.body, 'This endpoint requires a POST request.\n');
});

test('SIGHUP reloads the real CLI: a bad file is logged and kept out, a good one is taken', async (t) => {
  const port = await listen(t, createServer((_request, response) => response.end('ok')));
  const path = join(configDir(t), 'blackbox.yml');
  writeFileSync(path, GOOD);
  const prober = await startProber(t, [`--config.file=${path}`]);
  const get = async (url: string) => {
    const response = await fetch(`${prober.url}${url}`);
    return { status: response.status, text: await response.text() };
  };
  assert.equal((await get(`/probe?target=127.0.0.1:${port}&module=web_again`)).status, 400);

  writeFileSync(path, BAD);
  prober.child.kill('SIGHUP');
  await waitFor('the failed reload', async () => sampleValue((await get('/metrics')).text, 'blackbox_exporter_config_last_reload_successful') === 0);
  assert.match(prober.output(), /level=error msg="Error reloading config, keeping the last good one".*preferred_ip_protocol/);
  assert.equal(sampleValue((await get(`/probe?target=127.0.0.1:${port}&module=web`)).text, 'probe_success'), 1);

  writeFileSync(path, BETTER);
  prober.child.kill('SIGHUP');
  await waitFor('the good reload', async () => sampleValue((await get('/metrics')).text, 'blackbox_exporter_config_last_reload_successful') === 1);
  const probed = await get(`/probe?target=127.0.0.1:${port}&module=web_again`);
  assert.equal(probed.status, 200);
  assert.equal(sampleValue(probed.text, 'probe_success'), 1);
  assert.equal(prober.child.exitCode, null, 'SIGHUP must not stop the process');
});
