/**
 * A bounded fuzz of the exporter's `/metrics` on loopback: generated methods, headers and
 * `collect[]` / `exclude[]` values against the real app. Runs a fixed seed and a random one
 * (printed, so a failure can be replayed with FUZZ_SEED).
 */
import { seededRandom } from '../helpers/random.js';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { buildExporterApp } from '../../exporter/app.js';
import { gc, openFds } from '../helpers/memory.js';
import { FIXTURES, fixtureOptions, fixturePaths } from './collectors/fixture.js';

const REQUESTS_PER_SEED = 1500;
const CONCURRENCY = 6;
// Generous: the machine running the suite may be shared, and the bound is this plus 1 s.
const COLLECTOR_TIMEOUT_MS = 4_000;
const MIB = 1024 * 1024;
/** Node's default `maxHeaderSize`, the request line included. */
const HEADER_LIMIT = 16 * 1024;

type Pick = <T>(items: readonly T[]) => T;

const COLLECTORS = ['cpu', 'loadavg', 'meminfo', 'textfile', 'time', 'uname', 'vmstat', 'stat', 'netdev', 'diskstats', 'filesystem'];
const METHODS = ['GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'HEAD', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'PROPFIND', 'FOO'];

function garbage(next: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String.fromCharCode(0x21 + Math.floor(next() * 94));
  return out;
}

function acceptHeader(next: () => number, pick: Pick): string | undefined {
  return pick([
    undefined,
    'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
    'application/openmetrics-text',
    'application/openmetrics-text;q=abc',
    'application/openmetrics-text;q=-1, text/plain;q=NaN',
    'text/plain;q=0, application/openmetrics-text;q=0',
    '*/*',
    ';;;,,,;=;q=',
    'openmetrics'.repeat(Math.floor(next() * 500)),
    Array.from({ length: 200 + Math.floor(next() * 800) }, () => 'a/b;q=0.1').join(','),
    garbage(next, Math.floor(next() * 4000)),
  ]);
}

function acceptEncodingHeader(next: () => number, pick: Pick): string | undefined {
  return pick([undefined, 'gzip', 'gzip;q=0', 'gzip;q=abc', 'br, deflate', '*', 'identity;q=0', 'gzip'.repeat(Math.floor(next() * 1000)), garbage(next, Math.floor(next() * 2000))]);
}

function queryValue(next: () => number, pick: Pick): string {
  return pick([
    pick(COLLECTORS),
    pick(COLLECTORS),
    '',
    'nosuch',
    '%zz',
    '%00',
    '%',
    encodeURIComponent('cpu\n\r\u0000'),
    encodeURIComponent('ünïcode'),
    encodeURIComponent(pick(COLLECTORS)).repeat(Math.floor(next() * 300)),
    'x'.repeat(Math.floor(next() * 12_000)),
    encodeURIComponent(garbage(next, Math.floor(next() * 500))),
  ]);
}

function path(next: () => number, pick: Pick): string {
  const params: string[] = [];
  const count = Math.floor(next() * 4);
  for (let i = 0; i < count; i++) {
    const key = pick(['collect[]', 'exclude[]', 'collect[]', 'collect', 'collect[][]', 'collect[a]', 'exclude[0]', '%zz', 'a']);
    params.push(`${encodeURI(key)}=${queryValue(next, pick)}`);
  }
  if (next() < 0.05) for (let i = 0; i < 500; i++) params.push(`collect[]=${pick(COLLECTORS)}`);
  const query = params.length === 0 ? '' : `?${params.join(pick(['&', '&', ';', '&&']))}`;
  return (next() < 0.85 ? '/metrics' : pick(['/metrics/', '//metrics', '/metrics%00', '/METRICS', '/'])) + query;
}

interface Answer {
  status: number;
  ms: number;
}

function send(agent: Agent, port: number, method: string, target: string, headers: Record<string, string>): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: target, headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        const body = Buffer.concat(chunks);
        try {
          if (status === 200 && method === 'GET' && target.startsWith('/metrics')) {
            const text = (response.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
            assert.match(text, /^node_scrape_collector_success\{/m, `a 200 for ${method} ${target.slice(0, 200)} carries the scrape`);
            if (String(response.headers['content-type']).startsWith('application/openmetrics-text')) assert.ok(text.endsWith('# EOF\n'));
          }
        } catch (error) {
          reject(error as Error);
          return;
        }
        resolve({ status, ms: performance.now() - started });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function fuzz(port: number, seed: number, count = REQUESTS_PER_SEED): Promise<{ requests: number; statuses: Map<number, number>; worstMs: number }> {
  const next = seededRandom(seed);
  const pick: Pick = (items) => items[Math.floor(next() * items.length)] as (typeof items)[number];
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const statuses = new Map<number, number>();
  let worstMs = 0;
  let sent = 0;
  try {
    // Every request is generated up front from the seed, so the sequence does not depend on timing.
    const cases = Array.from({ length: count }, () => {
      const headers: Record<string, string> = {};
      const accept = acceptHeader(next, pick);
      if (accept !== undefined) headers['accept'] = accept;
      const encoding = acceptEncodingHeader(next, pick);
      if (encoding !== undefined) headers['accept-encoding'] = encoding;
      if (next() < 0.1) headers['x-prometheus-scrape-timeout-seconds'] = pick(['1e10', '-1', 'NaN', '0', '10']);
      return { method: pick(METHODS), target: path(next, pick), headers };
    });
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let item = cases.shift(); item !== undefined; item = cases.shift()) {
          const headBytes = item.target.length + Object.entries(item.headers).reduce((sum, [name, value]) => sum + name.length + value.length + 4, 0);
          const answer = await send(agent, port, item.method, item.target, item.headers).catch((error: unknown): Answer => {
            // Node's HTTP server answers a head over its 16 KiB limit with 431 and closes, maybe before the client has sent it all.
            if (headBytes > HEADER_LIMIT && /socket hang up|ECONNRESET|EPIPE/.test((error as Error).message)) return { status: 431, ms: 0 };
            throw new Error(`seed ${seed}: ${item.method} ${item.target.slice(0, 200)} (${headBytes} bytes of head) failed: ${(error as Error).message}`);
          });
          sent++;
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          worstMs = Math.max(worstMs, answer.ms);
          assert.ok(answer.status < 500, `seed ${seed}: ${item.method} ${item.target.slice(0, 200)} answered ${answer.status}`);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return { requests: sent, statuses, worstMs };
}

test('fuzz /metrics: generated methods, headers and collect[]/exclude[] never give a 5xx, a crash, a slow answer or a leak', async (t) => {
  const collectorOptions = fixtureOptions();
  collectorOptions.textfile.directory = join(FIXTURES, 'textfile');
  const app = buildExporterApp({ paths: fixturePaths, collectorOptions, collectorTimeoutMs: COLLECTOR_TIMEOUT_MS });
  t.after(() => app.close());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  assert.ok(address !== null && typeof address === 'object');

  // Warm up (lazy imports, first-scrape state), then take the baseline.
  await fuzz(address.port, 7, 200);
  gc();
  const fdsBefore = openFds();
  const heapBefore = process.memoryUsage().heapUsed;

  const seeds = [1, Number(process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31))];
  for (const seed of seeds) {
    t.diagnostic(`seed ${seed} (replay with FUZZ_SEED=${seed})`);
    const { requests, statuses, worstMs } = await fuzz(address.port, seed);
    const fivexx = [...statuses].filter(([status]) => status >= 500).reduce((sum, [, n]) => sum + n, 0);
    t.diagnostic(`seed ${seed}: ${requests} requests, 5xx ${fivexx}, statuses ${JSON.stringify(Object.fromEntries(statuses))}, worst ${worstMs.toFixed(0)} ms`);
    assert.equal(requests, REQUESTS_PER_SEED);
    assert.ok(worstMs < COLLECTOR_TIMEOUT_MS + 1000, `seed ${seed}: slowest answer took ${worstMs.toFixed(0)} ms`);
  }

  // Sockets close asynchronously after the agents are destroyed: wait for them, boundedly.
  for (let i = 0; i < 50 && openFds() > fdsBefore; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  gc();
  const fdsAfter = openFds();
  const heapAfter = process.memoryUsage().heapUsed;
  t.diagnostic(`open fds ${fdsBefore} -> ${fdsAfter}; heap ${(heapBefore / MIB).toFixed(1)} -> ${(heapAfter / MIB).toFixed(1)} MiB`);
  assert.ok(fdsAfter <= fdsBefore, `open fds ${fdsBefore} -> ${fdsAfter}`);
  assert.ok(heapAfter - heapBefore < 8 * MIB, `heap grew by ${((heapAfter - heapBefore) / MIB).toFixed(1)} MiB`);
});
