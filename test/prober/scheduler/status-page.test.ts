/** The status page in headless Chromium, the page without JS, and the JSON API, against real local targets. */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
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
import { statusSnapshot, type StatusSnapshot } from '../../../prober/scheduler/snapshot.js';
import type { PageSnapshot } from '../../../prober/server/status-page/merge.js';
import { renderStatusPage } from '../../../prober/server/status-page/page.js';
import { sampleValue } from '../../helpers/exposition.js';
import { requireBinary } from '../../helpers/process.js';
import { createTestCA, tempDir } from '../../helpers/tls.js';
import { waitFor } from '../../helpers/wait.js';
import { startProber } from '../cli-helpers.js';
import { freePort } from '../../helpers/ports.js';
import { repoPath, startAlertmanager } from '../../ops/stack.js';
import { schedulerConfig, startTargetServer, type TargetServer } from './helpers.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function launchBrowser(t: TestContext, viewport: { width: number; height: number }) {
  const executablePath = requireBinary('chromium', 'chromium');
  const profile = await mkdtemp(join(tmpdir(), 'platypus-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, { executablePath, headless: true, viewport, hasTouch: true, args: CHROMIUM_ARGS });
  // The profile goes once the browser has stopped writing to it.
  t.after(async () => {
    await browser.close();
    await rm(profile, { recursive: true, force: true });
  });
  return { browser, page: browser.pages()[0] ?? (await browser.newPage()) };
}

/**
 * A 4 s timeout puts the slow threshold (half the timeout, at most 2 s) beyond what a check takes on a
 * loaded machine: a slow target would change its row's class and sort its group first.
 */
const CHECKS = '      interval: 4s\n      timeout: 4s\n      retries: 2\n      retry_interval: 20ms\n';

async function startStatusServer(t: TestContext): Promise<{ base: string; server: TargetServer; scheduler: Scheduler }> {
  const server = await startTargetServer(t);
  const scheduler = new Scheduler({ probe: configuredProbe(() => defaultConfig()), location: 'test-lab' });
  t.after(() => scheduler.stop());
  await scheduler.start(
    schedulerConfig(
      `scheduler:\n  groups:\n` +
        `    - name: panels\n      module: http_2xx\n${CHECKS}      labels: {env: prod}\n      targets: ["${server.url('/panel-a')}", "${server.url('/panel-b')}"]\n` +
        `    - name: websites\n      module: http_2xx\n${CHECKS}      labels: {env: dev}\n      targets: ["${server.url('/site')}"]\n`,
    ),
  );
  const app = Fastify();
  await app.register(schedulerPlugin, { scheduler });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => app.close());
  await waitFor('every target checked', () => [...scheduler.targets()].every((state) => state.status === 'up'));
  return { base: address, server, scheduler };
}

test('the page lists the targets by group, and a target that goes down turns red with its reason after the next refresh', async (t) => {
  const { base, server } = await startStatusServer(t);
  const { page } = await launchBrowser(t, { width: 390, height: 844 });
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
  // The next check comes within an interval, the next refresh an interval later.
  await row.and(page.locator('.state-down')).waitFor({ timeout: 20_000 });
  assert.equal(await page.evaluate<boolean>('window.notReloaded === true'), true, 'redrawn in place, not reloaded');
  assert.equal(await row.locator('.reason').innerText(), 'status_code');
  assert.equal(await row.locator('.badge').innerText(), 'down');
  const badgeSelector = JSON.stringify(`tr[data-target="${server.url('/panel-b')}"] .badge`);
  const red = await page.evaluate<string>(`getComputedStyle(document.querySelector(${badgeSelector})).backgroundColor`);
  assert.equal(red, 'rgb(207, 34, 46)');
  assert.match(await page.locator('.summary').innerText(), /2 up 1 down 0 pending/);
  assert.equal(await page.title(), '(1 down) Platypus status: test-lab', 'the tab title follows the redraw');
});

const colour = (page: import('playwright-core').Page, selector: string, property = 'backgroundColor', pseudo = ''): Promise<string> =>
  page.evaluate<string>(`getComputedStyle(document.querySelector(${JSON.stringify(selector)}), ${JSON.stringify(pseudo || null)}).${property}`);

/** The hover text a person sees on an element (drawn by CSS); hovered again if a redraw replaced it. */
function hoverText(element: import('playwright-core').Locator): Promise<string> {
  return waitFor('the hover text', async () => {
    await element.hover();
    const text = await element.page().evaluate<string>(`(() => { const e = document.querySelector('[data-tip]:hover'); return e ? getComputedStyle(e, '::after').content : ''; })()`);
    return text !== '' && text !== 'none' ? text : undefined;
  }, { timeoutMs: 5000 });
}

/**
 * A fleet as people run it: panels named by file_sd labels (one fast, one that goes down, one slow,
 * one flaky), a website known only by its URL, and one failing with retries left.
 * With STATUS_PAGE_SCREENSHOTS=1 it saves docs/status-page-desktop.png and docs/status-page-phone.png.
 */
test('each state as a person sees it: names, worst first, the checks bar with hover times and reasons, sparkline, slow, since, banner, title, maintenance', async (t) => {
  const server = await startTargetServer(t);
  const dir = await mkdtemp(join(tmpdir(), 'platypus-status-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const panels = ['game-panel-1', 'game-panel-2', 'game-panel-3', 'game-panel-4'];
  await writeFile(join(dir, 'panels.json'), JSON.stringify(panels.map((panel) => ({ targets: [server.url(`/${panel}`)], labels: { panel } }))));
  server.always('/game-panel-3', { delayMs: 1200 });
  server.always('/pending', 'error');
  // Three failed checks (an attempt and its retry each) early on, up since.
  for (let i = 0; i < 3; i++) server.script('/game-panel-4', 'ok', 'error', 'error');
  const scheduler = new Scheduler({ probe: configuredProbe(() => defaultConfig()), location: 'fra' });
  t.after(() => scheduler.stop());
  const group = (name: string, settings: string, targets: string): string =>
    `    - name: ${name}\n      module: http_2xx\n${settings.replace(/^/gm, '      ')}\n      ${targets}\n`;
  await scheduler.start(
    schedulerConfig(
      'scheduler:\n  groups:\n' +
        group('panels', 'interval: 2s\ntimeout: 2s\nretries: 1\nretry_interval: 50ms', 'file_sd: [panels.json]') +
        group('websites', 'interval: 2s\ntimeout: 2s\nretries: 1\nretry_interval: 50ms', `targets: ["${server.url('/shop')}"]`) +
        group('staging', 'interval: 10m\ntimeout: 2s\nretries: 1\nretry_interval: 9m', `targets: ["${server.url('/pending')}"]`),
      dir,
    ),
  );
  const app = Fastify();
  await app.register(schedulerPlugin, { scheduler });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => app.close());
  const stateOf = (name: string) => [...scheduler.targets()].find((state) => state.labels.panel === name)!;
  await waitFor('a history of checks', () => panels.every((name) => stateOf(name)?.checksSucceeded >= 5) && stateOf('game-panel-4').checksFailed >= 3, { timeoutMs: 60_000 });
  server.always('/game-panel-2', 'error');
  await waitFor('game-panel-2 down, the others up', () => stateOf('game-panel-2').checksFailed >= 2 && ['down', 'up', 'up', 'up'].every((status, i) => stateOf(panels[i === 0 ? 1 : i === 1 ? 0 : i]!).status === status), { timeoutMs: 30_000 });

  const { page } = await launchBrowser(t, { width: 1280, height: 800 });
  page.setDefaultTimeout(60_000);
  await page.goto(`${base}/`);
  // Tab title and banner: the count down and who.
  assert.equal(await page.title(), '(1 down) Platypus status: fra');
  assert.match(await page.locator('.banner').innerText(), /^1 of 6 down: game-panel-2$/);
  assert.equal(await colour(page, '.banner'), 'rgb(207, 34, 46)');
  // Worst first: the group with a target down, then the one failing; in a group, down then slow then up.
  assert.deepEqual(await page.locator('h2').allInnerTexts(), ['panels 4 targets, 1 down', 'staging 1 target', 'websites 1 target']);
  assert.deepEqual(await page.locator('section:first-of-type td.target .name').allInnerTexts(), ['game-panel-2', 'game-panel-3', 'game-panel-1', 'game-panel-4']);
  assert.deepEqual(await page.locator('section:first-of-type .badge').allInnerTexts(), ['down', 'slow', 'up', 'up']);
  // Named by the panel label, the URL on hover; a target without one is named by its URL.
  assert.equal(await page.locator('tr.state-down td.target .name').getAttribute('data-tip'), server.url('/game-panel-2'));
  assert.equal(await page.locator(`tr[data-target="${server.url('/shop')}"] .name`).innerText(), server.url('/shop'));
  assert.equal(await page.locator('tr.state-pending .badge').innerText(), 'pending');
  assert.equal(await colour(page, 'tr.state-pending .badge'), 'rgb(154, 103, 0)');

  // The checks bar: one mark per check (at most 50), red for failures, time and reason on hover.
  const downBars = page.locator('tr.state-down .bar .c');
  const marks = await downBars.count();
  assert.ok(marks >= 7 && marks <= 50, `${marks} marks`);
  assert.ok((await page.locator('tr.state-down .bar .c.fail').count()) >= 2);
  assert.equal(await page.locator('tr.state-down .bar .c').last().getAttribute('class'), 'c fail', 'the newest check is on the right');
  assert.equal(await colour(page, 'tr.state-down .bar .c.fail'), 'rgb(207, 34, 46)');
  assert.equal(await colour(page, 'tr.state-down .bar .c:not(.fail)'), 'rgb(26, 127, 55)');
  assert.match(await hoverText(page.locator('tr.state-down .bar .c.fail').last()), /^"20\d\d-\d\d-\d\d \d\d:\d\d:\d\d UTC · failed: status_code"$/);
  assert.match(await hoverText(page.locator('tr.slow .bar .c.slow').last()), /^"20.* UTC · slow, \d+ ms"$/);
  // Label and marks read at once: a redraw in between adds a check.
  const [label, total, failed] = await page.evaluate<[string, number, number]>(
    `(() => { const bar = document.querySelector('tr.state-down .bar'); return [bar.getAttribute('aria-label'), bar.querySelectorAll('.c').length, bar.querySelectorAll('.c.fail').length]; })()`,
  );
  assert.equal(label, `last ${total} checks: ${total - failed} up, ${failed} failed`);
  // The flaky panel is up with red marks in its bar.
  assert.ok((await page.locator(`tr[data-target="${server.url('/game-panel-4')}"] .bar .c.fail`).count()) >= 3);
  // Slow but up: its own colour, on the badge, the latency and the marks.
  assert.equal(await colour(page, 'tr.slow .badge'), 'rgb(188, 76, 0)');
  assert.ok((await page.locator('tr.slow .bar .c.slow').count()) >= 4);
  assert.equal(await colour(page, 'tr.slow td.latency .num', 'color'), 'rgb(188, 76, 0)');
  // A sparkline of the latencies.
  assert.match((await page.locator('tr.slow svg.spark path').getAttribute('d')) ?? '', /^M[\d.]+ [\d.]+(L[\d.]+ [\d.]+){3,}/);
  // "for 3s", and the absolute start on hover, the same time as the API's and the metric's.
  const api = (await (await fetch(`${base}/api/v1/targets`)).json()) as StatusSnapshot;
  const down = api.targets.find((target) => target.name === 'game-panel-2')!;
  const since = page.locator('tr.state-down .status .since');
  assert.match(await since.innerText(), /^for \d+s$/);
  assert.equal(await since.getAttribute('data-tip'), `since ${down.since!.slice(0, 19).replace('T', ' ')} UTC`);
  assert.equal(await since.locator('time').getAttribute('datetime'), down.since);
  assert.match(await hoverText(since), /^"since 20/);
  if (process.env.STATUS_PAGE_SCREENSHOTS) {
    await page.locator('tr.state-down .bar .c.fail').first().hover();
    await page.screenshot({ path: 'docs/status-page-desktop.png', fullPage: true });
  }

  // On a phone: no sideways scrolling, the bar across the card, and a tap shows a mark's time and reason.
  await page.setViewportSize({ width: 390, height: 844 });
  assert.ok((await page.evaluate<number>('document.documentElement.scrollWidth')) <= 390);
  const bar = await page.locator('tr.state-down .bar').boundingBox();
  assert.ok(bar !== null && bar.width > 250, `bar ${bar?.width}px wide`);
  await page.locator('tr.state-down .bar .c.fail').last().tap();
  assert.match(await page.evaluate<string>('document.activeElement.dataset.tip'), /failed: status_code$/);
  assert.match(await page.evaluate<string>(`getComputedStyle(document.activeElement, '::after').content`), /failed: status_code/);
  await page.waitForFunction('document.activeElement.dataset.tip !== undefined && document.activeElement.isConnected', undefined, { timeout: 3000 });
  if (process.env.STATUS_PAGE_SCREENSHOTS) await page.screenshot({ path: 'docs/status-page-phone.png', fullPage: true });

  // Maintenance (set by the maintenance windows, not by the scheduler): shown with its reason and end, not as down.
  const snapshot = statusSnapshot(scheduler);
  const shop = snapshot.targets.find((target) => target.target === server.url('/shop'))!;
  shop.state = 'maintenance';
  shop.maintenance = { reason: 'kernel update', until: '2026-12-02T18:00:00.000Z' };
  snapshot.summary.up--;
  snapshot.summary.maintenance++;
  await page.setContent(renderStatusPage(snapshot));
  assert.equal(await page.locator('tr.state-maintenance .badge').innerText(), 'maintenance');
  assert.equal(await colour(page, 'tr.state-maintenance .badge'), 'rgb(9, 105, 218)');
  assert.equal(await page.locator('tr.state-maintenance .status .since').innerText(), 'kernel update until 2026-12-02 18:00:00 UTC');
  assert.match(await page.locator('.banner').innerText(), /· 1 in maintenance$/);
});

test('without JS the page is complete and refreshes itself; /api/v1/targets gives the same as JSON', async (t) => {
  const { base, server, scheduler } = await startStatusServer(t);
  server.always('/site', 'error');
  await waitFor('the site down', () => [...scheduler.targets()].some((state) => state.status === 'down'));
  const html = await (await fetch(`${base}/`)).text();
  assert.match(html, /<noscript><meta http-equiv="refresh" content="4"><\/noscript>/);
  assert.match(html, new RegExp(`<tr class="state-down" data-target="${server.url('/site')}">.*<span class="reason">status_code</span>`));
  assert.equal(html.match(/<tr class="state-up"/g)?.length, 2);

  const response = await fetch(`${base}/api/v1/targets`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  const snapshot = (await response.json()) as StatusSnapshot;
  assert.equal(snapshot.location, 'test-lab');
  assert.deepEqual(snapshot.summary, { up: 2, down: 1, pending: 0, unknown: 0, maintenance: 0 });
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

/** Runs the real platypus-maintenance CLI. */
function maintenance(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', repoPath('maintenance/cli.ts'), ...args], { timeout: 30_000 }, (error, stdout, stderr) =>
      error === null ? resolve(stdout) : reject(new Error(`${error.message}\n${stderr}`)),
    );
  });
}

/**
 * Two real probers (fra, ams) on the same panels, fra's page reading ams and a real Alertmanager
 * (after one that does not answer) with a window opened by platypus-maintenance. ams accepts HTTP
 * 418 as up where fra does not: panel-2 fails from fra only. With STATUS_PAGE_SCREENSHOTS=1 it
 * saves docs/status-page-locations.png.
 */
test('one page for two locations: down by the rule of two, the only location, maintenance with reason and end, an unreachable location', async (t) => {
  const server = await startTargetServer(t);
  const dir = await mkdtemp(join(tmpdir(), 'platypus-locations-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const path of ['/panel-1', '/panel-4', '/panel-5']) server.always(path, 'error');
  // panel-2 answers 418: only ams's module takes it as up.
  server.always('/panel-2', { status: 418 });
  const panels = (names: string[]) => JSON.stringify(names.map((panel) => ({ targets: [server.url(`/${panel}`)], labels: { panel } })));
  await writeFile(join(dir, 'fra.json'), panels(['panel-1', 'panel-2', 'panel-3', 'panel-5']));
  await writeFile(join(dir, 'ams.json'), panels(['panel-1', 'panel-2', 'panel-3', 'panel-4', 'panel-5']));
  const config = (location: string, validCodes: string): string =>
    `modules:\n  http_2xx:\n    prober: http\n    timeout: 2s\n    http:\n      valid_status_codes: ${validCodes}\n` +
    `scheduler:\n  groups:\n    - name: panels\n      module: http_2xx\n      interval: 1s\n      timeout: 900ms\n      retries: 1\n      retry_interval: 50ms\n      file_sd: [${join(dir, `${location}.json`)}]\n`;
  await writeFile(join(dir, 'fra.yml'), config('fra', '[200]'));
  await writeFile(join(dir, 'ams.yml'), config('ams', '[200, 418]'));
  await writeFile(join(dir, 'alertmanager.yml'), 'route:\n  receiver: none\nreceivers:\n  - name: none\n');

  const am = await startAlertmanager(t, join(dir, 'alertmanager.yml'));
  const closedAm = `http://127.0.0.1:${await freePort()}`;
  const closedPeer = `127.0.0.1:${await freePort()}`;
  const ams = await startProber(t, [`--config.file=${join(dir, 'ams.yml')}`, '--location=ams']);
  const fra = await startProber(t, [
    `--config.file=${join(dir, 'fra.yml')}`, '--location=fra',
    `--status-page.peer=${ams.url}`, `--status-page.peer=http://${closedPeer}/`,
    `--status-page.alertmanager-url=${closedAm}`, `--status-page.alertmanager-url=${am.url}`,
  ]);
  const id = (await maintenance(`--alertmanager.url=${am.url}`, 'start', 'panel-5', '--for', '2h', '--reason', 'disk swap')).trim();
  const ends = (await maintenance(`--alertmanager.url=${am.url}`, 'list')).split('\n').find((line) => line.startsWith(id))!.split('\t')[3]!;

  const states = (page: PageSnapshot) => page.targets.map((target) => `${target.name}:${target.state}`).join(' ');
  const expected = 'panel-1:down panel-2:pending panel-3:up panel-4:down panel-5:maintenance';
  await waitFor('both locations settled', async () => states((await (await fetch(`${fra.url}/api/v1/status`)).json()) as PageSnapshot) === expected, { timeoutMs: 30_000 });

  const { page } = await launchBrowser(t, { width: 1280, height: 800 });
  page.setDefaultTimeout(30_000);
  await page.goto(`${fra.url}/`);
  assert.equal(await page.title(), `(2 down) Platypus status: fra, ams, ${closedPeer}`);
  assert.equal(await page.locator('.banner').innerText(), '2 of 5 down: panel-1, panel-4 · 1 in maintenance');
  assert.equal(await page.locator('.notice').innerText(), `location ${closedPeer} unreachable: connect ECONNREFUSED ${closedPeer}`);
  const row = (panel: string) => page.locator(`tr[data-target="${server.url(`/${panel}`)}"]`);
  const locations = async (panel: string) => (await row(panel).locator('.loc').evaluateAll((marks) => marks.map((mark) => `${mark.textContent}:${mark.className}`))).join(' ');
  // Each panel once, a mark per location; down where both fail, or where the only one that checks it fails.
  assert.equal(await page.locator('tr[data-target]').count(), 5);
  assert.equal(await row('panel-1').locator('.badge').innerText(), 'down');
  assert.equal(await locations('panel-1'), 'fra:loc down ams:loc down');
  assert.equal(await row('panel-2').locator('.badge').innerText(), 'pending');
  assert.equal(await locations('panel-2'), 'fra:loc down ams:loc up');
  assert.equal(await row('panel-3').locator('.badge').innerText(), 'up');
  assert.equal(await row('panel-4').locator('.badge').innerText(), 'down');
  assert.equal(await locations('panel-4'), 'ams:loc down');
  assert.match(await hoverText(row('panel-2').locator('.loc.down')), /^"fra: down, [\d.]+ ms · status_code"$/);
  // Maintenance: the silence's comment and end, in its colour, not counted as down.
  assert.equal(await row('panel-5').locator('.badge').innerText(), 'maintenance');
  assert.equal(await row('panel-5').locator('.status .since').innerText(), `disk swap until ${ends.slice(0, 19).replace('T', ' ')} UTC`);
  assert.equal(await colour(page, `tr[data-target="${server.url('/panel-5')}"] .badge`), 'rgb(9, 105, 218)');
  if (process.env.STATUS_PAGE_SCREENSHOTS) {
    await page.mouse.move(0, 0);
    await page.screenshot({ path: 'docs/status-page-locations.png', fullPage: true });
  }

  // ams stops: the page says so at its next redraw and counts fra alone, where panel-2 now is down.
  await page.evaluate('window.notReloaded = true');
  await page.mouse.move(0, 0); // a hover text shown holds the redraw
  await ams.stop();
  await page.locator('.notice', { hasText: 'location ams unreachable' }).waitFor();
  await page.waitForFunction(`document.title.startsWith('(2 down)') && document.querySelectorAll('tr[data-target]').length === 4`);
  assert.equal(await row('panel-2').locator('.badge').innerText(), 'down');
  assert.equal(await page.evaluate<boolean>('window.notReloaded === true'), true, 'redrawn in place');
  // The window ends early: panel-5 is down again.
  await maintenance(`--alertmanager.url=${am.url}`, 'end', id);
  await row('panel-5').and(page.locator('.state-down')).waitFor();
  assert.equal(await page.title(), `(3 down) Platypus status: fra, ams, ${closedPeer}`);
});

/**
 * A real prober with a real Alertmanager: two panels up, then both failing, one of them inside a
 * window opened by platypus-maintenance. The one in its window keeps its availability; its failed
 * checks are counted apart.
 */
test('a panel failing inside its maintenance window keeps its availability', async (t) => {
  const server = await startTargetServer(t);
  const dir = await mkdtemp(join(tmpdir(), 'platypus-maintenance-availability-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'alertmanager.yml'), 'route:\n  receiver: none\nreceivers:\n  - name: none\n');
  const am = await startAlertmanager(t, join(dir, 'alertmanager.yml'));
  const panels = ['panel-6', 'panel-7'];
  await writeFile(join(dir, 'panels.json'), JSON.stringify(panels.map((panel) => ({ targets: [server.url(`/${panel}`)], labels: { panel } }))));
  await writeFile(join(dir, 'prober.yml'), `modules:\n  http_2xx:\n    prober: http\n    timeout: 2s\n` +
    `scheduler:\n  groups:\n    - name: panels\n      module: http_2xx\n      interval: 1s\n      timeout: 900ms\n      retries: 1\n      retry_interval: 50ms\n      file_sd: [${join(dir, 'panels.json')}]\n`);
  await maintenance(`--alertmanager.url=${am.url}`, 'start', 'panel-6', '--for', '2h', '--reason', 'kernel update');
  const prober = await startProber(t, [`--config.file=${join(dir, 'prober.yml')}`, '--location=fra', `--status-page.alertmanager-url=${am.url}`]);

  const targets = async () => ((await (await fetch(`${prober.url}/api/v1/targets`)).json()) as StatusSnapshot).targets;
  const each = async (ok: (target: StatusSnapshot['targets'][number]) => boolean) => (await targets()).length === 2 && (await targets()).every(ok);
  await waitFor('two good checks of each panel', () => each((target) => target.checks.success >= 2), { timeoutMs: 20_000 });
  for (const panel of panels) server.always(`/${panel}`, 'error');
  await waitFor('three failed checks of each panel', () => each((target) => target.checks.failure >= 3), { timeoutMs: 20_000 });
  const [inWindow, outside] = await targets();
  assert.equal(inWindow!.name, 'panel-6');
  assert.equal(inWindow!.state, 'down', 'the scheduler still sees it fail');
  assert.equal(inWindow!.availability24h, 1, 'its failed checks inside the window do not count');
  assert.equal(inWindow!.availability7d, 1);
  assert.equal(inWindow!.maintenanceChecks24h, inWindow!.checks.failure);
  assert.equal(outside!.name, 'panel-7');
  assert.ok(outside!.availability24h !== null && outside!.availability24h < 1, `panel-7 outside any window loses availability (${outside!.availability24h})`);
  assert.equal(outside!.maintenanceChecks24h, 0);
  // The page shows panel-6 in maintenance, at 100 %, the checks left out on hover; panel-7 has no such note.
  const html = await (await fetch(`${prober.url}/`)).text();
  const row = (panel: string) => html.split('<tr ').find((each) => each.includes(`/${panel}">`)) ?? '';
  assert.match(row('panel-6'), /^class="state-maintenance".*<td class="num a24" tabindex="-1" data-tip="\d+ failed checks in maintenance, not counted">100%<\/td>/);
  assert.match(row('panel-7'), /<td class="num a24">\d+\.\d%<\/td>/);
});
