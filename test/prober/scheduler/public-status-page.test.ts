/**
 * --web.public-status-page: the status page and its API answer without login while /probe,
 * /config and /metrics stay behind the web config's basic auth (a real web config, over TLS).
 */
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { loadWebConfig } from '../../../common/web-config.js';
import { parseConfig } from '../../../prober/config.js';
import { SchedulerService, type SchedulerServiceOptions } from '../../../prober/scheduler/service.js';
import type { StatusSnapshot } from '../../../prober/scheduler/snapshot.js';
import { buildProberApp } from '../../../prober/server/app.js';
import { tlsBasicAuthWebConfig } from '../../helpers/web-config.js';
import { waitFor } from '../../helpers/wait.js';
import { startTargetServer } from './helpers.js';

async function startProber(t: TestContext, options: Partial<SchedulerServiceOptions>) {
  const server = await startTargetServer(t);
  server.always('/broken', 'error');
  const config = parseConfig(
    `modules:\n  web:\n    prober: http\n    timeout: 1s\nscheduler:\n  groups:\n    - name: g\n      module: web\n      interval: 1s\n      timeout: 1s\n      retries: 0\n      targets: ["${server.url('/ok')}", "${server.url('/broken')}"]\n`,
    'blackbox.yml',
  );
  const service = new SchedulerService({ config: () => config, ...options });
  await service.apply(config);
  const web = tlsBasicAuthWebConfig(t);
  const app = buildProberApp({ scheduler: service, webConfig: loadWebConfig(web.path) });
  t.after(() => app.close());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `https://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const login = `${web.username}:${web.password}`;
  await waitFor('both checked', () => [...service.scheduler.targets()].every((state) => state.status !== 'unknown'), { timeoutMs: 10_000 });
  return { base, web, login };
}

test('with --web.public-status-page, / and /api/v1/targets need no login; /probe, /config and /metrics still do', async (t) => {
  const { base, web, login } = await startProber(t, { publicStatusPage: true });
  for (const path of ['/', '/api/v1/targets', '/api/v1/status', '/status-page/client.js', '/status-page/render.js']) {
    assert.equal((await web.get(`${base}${path}`)).status, 200, `${path} without login`);
  }
  for (const path of ['/probe?target=127.0.0.1&module=web', '/config', '/metrics', '/-/healthy']) {
    const answer = await web.get(`${base}${path}`);
    assert.equal(answer.status, 401, `${path} without login`);
    assert.equal(answer.challenge, 'Basic');
  }
  assert.equal((await web.get(`${base}/metrics`, login)).status, 200);
  assert.equal((await web.get(`${base}/metrics`, 'prometheus:wrong')).status, 401);
  // Without the option hiding them, failure details are shown.
  const snapshot = JSON.parse((await web.get(`${base}/api/v1/targets`)).body) as StatusSnapshot;
  const broken = snapshot.targets.find((target) => target.target.endsWith('/broken'))!;
  assert.equal(broken.lastFailureReason, 'status_code');
  assert.equal(broken.httpStatusCode, 500);
});

test('without the flag the status page is behind the login like everything else', async (t) => {
  const { base, web, login } = await startProber(t, {});
  assert.equal((await web.get(`${base}/`)).status, 401);
  assert.equal((await web.get(`${base}/api/v1/targets`)).status, 401);
  assert.equal((await web.get(`${base}/`, login)).status, 200);
});

test('with hide-errors the public page and API say a check failed but not why', async (t) => {
  const { base, web } = await startProber(t, { publicStatusPage: true, hideErrors: true });
  const snapshot = JSON.parse((await web.get(`${base}/api/v1/targets`)).body) as StatusSnapshot;
  const broken = snapshot.targets.find((target) => target.target.endsWith('/broken'))!;
  assert.equal(broken.state, 'down');
  assert.equal(broken.lastFailureReason, 'failed');
  assert.equal(broken.httpStatusCode, null);
  assert.ok(broken.recentChecks.length > 0 && broken.recentChecks.every(([, , failure]) => failure === 'failed'));
  const page = (await web.get(`${base}/`)).body;
  assert.match(page, /<tr class="state-down"/);
  assert.doesNotMatch(page, /status_code/);
});
