/**
 * The status page's reads of its peers: a peer that answers, one that hangs, one too large, one
 * with something else than a snapshot, one gone; each bounded in time and shown as unreachable.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StatusSnapshot } from '../../../prober/scheduler/snapshot.js';
import { baseUrl } from '../../../common/http-read.js';
import { StatusPageSources } from '../../../prober/server/status-page/sources.js';
import { freePort } from '../../helpers/ports.js';

const fixtureText = (name: string): string => readFileSync(new URL(`../../fixtures/prober/status-page/${name}.json`, import.meta.url), 'utf8');

async function serve(t: TestContext, handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

test('a peer that answers is merged; hanging, oversized, non-snapshot and closed peers are unreachable within the timeout', async (t) => {
  const seen: Array<string | undefined> = [];
  const ams = await serve(t, (request, response) => {
    seen.push(request.headers.authorization);
    response.writeHead(request.url === '/api/v1/targets' ? 200 : 404, { 'content-type': 'application/json' }).end(fixtureText('ams'));
  });
  const hanging = await serve(t, () => undefined);
  const huge = await serve(t, (_request, response) => response.end(`{"targets":[${'{},'.repeat(2000)}{}]}`));
  const other = await serve(t, (_request, response) => response.end('{"status":"success","data":{"activeTargets":[]}}'));
  const closed = `http://127.0.0.1:${await freePort()}/`;
  const withAuth = ams.replace('http://', 'http://viewer:s%40cret@');
  const sources = new StatusPageSources({ peers: [withAuth, hanging, huge, other, closed], timeoutMs: 300, maxPeerBytes: 4096 });
  const local = JSON.parse(fixtureText('fra')) as StatusSnapshot;

  const started = Date.now();
  const page = await sources.page(local);
  // Generous: the peers are read in parallel, each bounded by 300 ms.
  assert.ok(Date.now() - started < 5_000, `${Date.now() - started} ms`);
  assert.deepEqual(seen, [`Basic ${Buffer.from('viewer:s@cret').toString('base64')}`]);
  const host = (url: string): string => new URL(url).host;
  assert.deepEqual(page.locations, ['fra', 'ams', host(hanging), host(huge), host(other), host(closed)]);
  assert.deepEqual(page.notices?.map((notice) => notice.replace(/unreachable: .*/, 'unreachable')), [host(hanging), host(huge), host(other), host(closed)].map((h) => `location ${h} unreachable`));
  assert.match(page.notices![0]!, /: timeout$/);
  assert.match(page.notices![1]!, /: answer larger than 4096 bytes$/);
  assert.match(page.notices![2]!, /: answer is not a status snapshot$/);
  assert.match(page.notices![3]!, /ECONNREFUSED|connect/);
  assert.deepEqual(page.targets.map((target) => target.locations?.map((l) => l.location).join(' ')), ['fra ams', 'fra ams', 'fra ams', 'ams']);
});

test('a peer that stops answering keeps its location name; one read serves the viewers of the same second', async (t) => {
  let up = true;
  let reads = 0;
  const ams = await serve(t, (_request, response) => {
    reads++;
    if (up) response.end(fixtureText('ams'));
    else response.writeHead(503).end('going away');
  });
  const sources = new StatusPageSources({ peers: [ams], timeoutMs: 1000 });
  const local = JSON.parse(fixtureText('fra')) as StatusSnapshot;
  await Promise.all([sources.page(local), sources.page(local), sources.page(local)]);
  assert.equal(reads, 1);
  up = false;
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const page = await sources.page(local);
  assert.deepEqual(page.notices, ['location ams unreachable: HTTP 503']);
});

test("with hide-errors, the peers' failure reasons and status codes are left out too", async (t) => {
  const ams = await serve(t, (_request, response) => response.end(fixtureText('ams')));
  const page = await new StatusPageSources({ peers: [ams], hideErrors: true }).page(JSON.parse(fixtureText('fra')) as StatusSnapshot);
  const panel4 = page.targets.find((target) => target.name === 'panel-4')!;
  assert.equal(panel4.lastFailureReason, 'failed');
  assert.equal(panel4.httpStatusCode, null);
  assert.deepEqual([...new Set(panel4.recentChecks.map(([, , failure]) => failure))], ['failed']);
  assert.equal(JSON.stringify(page.targets.filter((target) => target.locations?.length === 1)).includes('status_code'), false);
});

test('peer and Alertmanager URLs are checked', () => {
  assert.equal(baseUrl('http://prober-ams:9115').href, 'http://prober-ams:9115/');
  assert.equal(baseUrl('https://example.com/prober').href, 'https://example.com/prober/');
  assert.throws(() => baseUrl('prober-ams:9115'), /not an http\(s\) URL/);
  assert.throws(() => baseUrl('not a url'), /not a URL: "not a url"/);
});
