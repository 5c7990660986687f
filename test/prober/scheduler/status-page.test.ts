/** The status page in headless Chromium, the page without JS, and the JSON API, against real local targets. */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { chromium } from 'playwright-core';
import { defaultConfig, parseConfig } from '../../../prober/config.js';
import { schedulerPlugin } from '../../../prober/scheduler/plugin.js';
import { configuredProbe } from '../../../prober/scheduler/probe-adapter.js';
import { Scheduler } from '../../../prober/scheduler/scheduler.js';
import type { StatusSnapshot } from '../../../prober/scheduler/snapshot.js';
import { sampleValue } from '../../helpers/exposition.js';
import { requireBinary } from '../../helpers/process.js';
import { createTestCA, tempDir } from '../../helpers/tls.js';
import { waitFor } from '../../helpers/wait.js';
import { schedulerConfig, startTargetServer, type TargetServer } from './helpers.js';

async function startStatusServer(t: TestContext): Promise<{ base: string; server: TargetServer; scheduler: Scheduler }> {
  const server = await startTargetServer(t);
  const scheduler = new Scheduler({ probe: configuredProbe(() => defaultConfig()), location: 'test-lab' });
  t.after(() => scheduler.stop());
  await scheduler.start(
    schedulerConfig(
      `scheduler:\n  groups:\n` +
        `    - name: panels\n      module: http_2xx\n      interval: 1s\n      timeout: 900ms\n      retries: 2\n      retry_interval: 20ms\n      labels: {env: prod}\n      targets: ["${server.url('/panel-a')}", "${server.url('/panel-b')}"]\n` +
        `    - name: websites\n      module: http_2xx\n      interval: 1s\n      timeout: 900ms\n      retries: 2\n      retry_interval: 20ms\n      labels: {env: dev}\n      targets: ["${server.url('/site')}"]\n`,
    ),
  );
  const app = Fastify();
  await app.register(schedulerPlugin, { scheduler });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => app.close());
  await waitFor('every target checked', () => [...scheduler.targets()].every((state) => state.status === 'up'), { timeoutMs: 5000 });
  return { base: address, server, scheduler };
}

test('the page lists the targets by group, and a target that goes down turns red with its reason after the next refresh', async (t) => {
  const executablePath = requireBinary('chromium', 'chromium');
  const { base, server } = await startStatusServer(t);
  const profile = await mkdtemp(join(tmpdir(), 'platypus-chromium-'));
  t.after(() => rm(profile, { recursive: true, force: true }));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 390, height: 844 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t.after(() => browser.close());
  const page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(`${base}/`);
  assert.equal(await page.title(), 'Platypus status: test-lab');
  assert.deepEqual(await page.locator('h2').allInnerTexts(), ['panels 2 targets', 'websites 1 target']);
  const row = page.locator(`tr[data-target="${server.url('/panel-b')}"]`);
  assert.equal(await row.getAttribute('class'), 'state-up');
  assert.equal(await page.locator('tr.state-up').count(), 3);
  // Readable on a phone: nothing wider than the screen but the table's own scroll box.
  assert.ok((await page.evaluate<number>('document.documentElement.scrollWidth')) <= 390);

  // Browser-side code as strings: the project type-checks without the DOM library.
  await page.evaluate('window.notReloaded = true');
  server.always('/panel-b', 'error');
  await row.and(page.locator('.state-down')).waitFor({ timeout: 8000 });
  assert.equal(await page.evaluate<boolean>('window.notReloaded === true'), true, 'redrawn in place, not reloaded');
  assert.equal(await row.locator('.reason').innerText(), 'status_code');
  assert.equal(await row.locator('.badge').innerText(), 'down');
  const badgeSelector = JSON.stringify(`tr[data-target="${server.url('/panel-b')}"] .badge`);
  const red = await page.evaluate<string>(`getComputedStyle(document.querySelector(${badgeSelector})).backgroundColor`);
  assert.equal(red, 'rgb(207, 34, 46)');
  assert.match(await page.locator('.summary').innerText(), /2 up 1 down 0 pending/);
  await mkdir('test-output', { recursive: true });
  await page.setViewportSize({ width: 1100, height: 700 });
  await page.screenshot({ path: 'test-output/status-page.png', fullPage: true });
});

test('without JS the page is complete and refreshes itself; /api/v1/targets gives the same as JSON', async (t) => {
  const { base, server, scheduler } = await startStatusServer(t);
  server.always('/site', 'error');
  await waitFor('the site down', () => [...scheduler.targets()].some((state) => state.status === 'down'), { timeoutMs: 5000 });
  const html = await (await fetch(`${base}/`)).text();
  assert.match(html, /<noscript><meta http-equiv="refresh" content="1"><\/noscript>/);
  assert.match(html, new RegExp(`<tr class="state-down" data-target="${server.url('/site')}">.*<span class="reason">status_code</span>`));
  assert.equal(html.match(/<tr class="state-up"/g)?.length, 2);

  const response = await fetch(`${base}/api/v1/targets`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  const snapshot = (await response.json()) as StatusSnapshot;
  assert.equal(snapshot.location, 'test-lab');
  assert.deepEqual(snapshot.summary, { up: 2, down: 1, pending: 0, unknown: 0 });
  assert.deepEqual(snapshot.targets.map((target) => [target.group, target.target, target.state]), [
    ['panels', server.url('/panel-a'), 'up'],
    ['panels', server.url('/panel-b'), 'up'],
    ['websites', server.url('/site'), 'down'],
  ]);
  const site = snapshot.targets[2]!;
  assert.deepEqual(site.labels, { env: 'dev', location: 'test-lab' });
  assert.equal(site.lastFailureReason, 'status_code');
  assert.equal(site.httpStatusCode, 500);
  assert.ok(site.availability24h !== null && site.availability24h < 1);
  assert.equal(snapshot.targets[0]!.availability7d, 1);
  assert.ok(site.since !== null && Date.parse(site.since) <= Date.parse(snapshot.generatedAt));

  const grouped = await (await fetch(`${base}/?group_by=env`)).text();
  assert.match(grouped, /<h2>dev <small>1 target, 1 down<\/small><\/h2>/);
  assert.match(grouped, /<h2>prod <small>2 targets<\/small><\/h2>/);
  const bad = await fetch(`${base}/?group_by=not-a-label`);
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /group_by must be a label name/);
});

test('certificate expiry of an HTTPS target shows as days left, in the API and on the page', async (t) => {
  const dir = tempDir(t);
  const ca = createTestCA(dir);
  const notAfter = new Date(Math.floor(Date.now() / 1000) * 1000 + (30 * 24 + 1) * 3_600_000);
  const leaf = ca.issue({ notAfter });
  const server = createHttpsServer({ cert: leaf.cert, key: leaf.key }, (_request, response) => response.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const target = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const config = parseConfig(
    `modules:\n  tls:\n    prober: http\n    http:\n      tls_config: {ca_file: ${ca.certPath}}\nscheduler:\n  groups:\n    - name: sites\n      module: tls\n      interval: 300ms\n      timeout: 250ms\n      targets: ["${target}"]\n`,
    'blackbox.yml',
  );
  const scheduler = new Scheduler({ probe: configuredProbe(() => config) });
  t.after(() => scheduler.stop());
  await scheduler.start(config.scheduler!);
  const app = Fastify();
  await app.register(schedulerPlugin, { scheduler });
  const snapshot = await waitFor('the target checked', async () => {
    const response = await app.inject({ url: '/api/v1/targets' });
    const body = response.json<StatusSnapshot>();
    return body.targets[0]?.state === 'up' ? body : undefined;
  }, { timeoutMs: 5000 });
  assert.equal(snapshot.targets[0]!.certExpiry, notAfter.toISOString());
  assert.equal(snapshot.targets[0]!.certDaysLeft, 30);
  const page = (await app.inject({ url: '/' })).body;
  assert.match(page, /<td class="cert">30 d<\/td>/);
  assert.equal(sampleValue(scheduler.renderMetrics(), 'probe_ssl_earliest_cert_expiry', { target }), notAfter.getTime() / 1000);
});
