import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { test, type TestContext } from 'node:test';
import { Worker } from 'node:worker_threads';
import bcrypt from 'bcryptjs';
import type { FastifyInstance } from 'fastify';
import { BasicAuthVerifier } from '../../common/basic-auth.js';
import { silentLogger } from '../../common/logging.js';
import { createServer, listen } from '../../common/server.js';

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

function get(agent: Agent, url: string, credentials?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: credentials === undefined ? {} : { authorization: basic(credentials) } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function serve(t: TestContext, app: FastifyInstance): Promise<string> {
  t.after(() => app.close());
  return `http://${await listen(app, '127.0.0.1:0')}/`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

test('a flood of wrong passwords does not keep an authenticated scrape out', async (t) => {
  const users = new Map([['prometheus', bcrypt.hashSync('scrape-me', 8)]]);
  const app = createServer({ logger: silentLogger(), webConfig: { headers: {}, basicAuthUsers: users }, maxRequests: 4 });
  app.get('/', async () => 'metrics\n');
  const url = await serve(t, app);
  const agent = new Agent({ keepAlive: true, maxSockets: 200 });
  t.after(() => agent.destroy());
  // Prometheus has scraped before the flood starts.
  assert.equal(await get(agent, url, 'prometheus:scrape-me'), 200);

  const flood = new Worker(new URL('../fixtures/common/login-flood.mjs', import.meta.url), { workerData: { url, attackers: 150, maxEach: 400 } });
  t.after(() => flood.terminate());
  assert.deepEqual(await once(flood, 'message'), ['flooding']);

  const latencies: number[] = [];
  const statuses: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    statuses.push(await get(agent, url, 'prometheus:scrape-me'));
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const answered = once(flood, 'message');
  flood.postMessage('stop');
  const [floodAnswers] = (await answered) as [Record<string, number>];

  assert.deepEqual(statuses, Array(20).fill(200));
  assert.ok((floodAnswers['401'] ?? 0) > 0, `flood answers: ${JSON.stringify(floodAnswers)}`);
  assert.deepEqual(Object.keys(floodAnswers).filter((status) => status !== '401' && status !== '503'), []);
  t.diagnostic(`authenticated scrape under a 150-connection wrong-password flood: p50 ${median(latencies).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`);
  t.diagnostic(`flood answers: ${Object.entries(floodAnswers).map(([status, count]) => `${count}×${status}`).join(', ')}`);
});

test('--web.max-requests counts only authenticated requests', async (t) => {
  const users = new Map([['alice', bcrypt.hashSync('s3cret', 4)]]);
  const app = createServer({ logger: silentLogger(), webConfig: { headers: {}, basicAuthUsers: users }, maxRequests: 1 });
  let release = (): void => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  app.get('/slow', async () => {
    await held;
    return 'done\n';
  });
  const url = `${await serve(t, app)}slow`;
  const agent = new Agent({ keepAlive: true });
  t.after(() => agent.destroy());
  const first = get(agent, url, 'alice:s3cret');
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(await get(agent, url, 'alice:wrong'), 401);
  assert.equal(await get(agent, url), 401);
  assert.equal(await get(agent, url, 'alice:s3cret'), 503);
  release();
  assert.equal(await first, 200);
});

test('verifier: right, wrong, unknown and malformed credentials; results remembered per credential', async (t) => {
  const verifier = new BasicAuthVerifier(new Map([['alice', bcrypt.hashSync('s3cret', 4)]]), { failureCacheMs: 60_000 });
  t.after(() => verifier.close());
  for (const authorization of [undefined, 'Bearer x', 'Basic !!!', basic('alice'), basic('alice:wrong'), basic('bob:s3cret'), basic('alice:s3cret2')]) {
    assert.equal(await verifier.check(authorization), 'denied', String(authorization));
  }
  // Identical checks at once share one compare, and all get the answer.
  assert.deepEqual(await Promise.all(Array.from({ length: 5 }, () => verifier.check(basic('alice:s3cret')))), Array(5).fill('ok'));
  assert.equal(await verifier.check(basic('alice:s3cret')), 'ok');
  assert.equal(await verifier.check(basic('alice:wrong')), 'denied');
});

test('verifier: compares beyond the queue bound are refused as busy, not queued without end', async (t) => {
  const verifier = new BasicAuthVerifier(new Map([['alice', bcrypt.hashSync('s3cret', 8)]]), { maxQueued: 2 });
  t.after(() => verifier.close());
  const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => verifier.check(basic(`alice:guess-${i}`))));
  assert.ok(outcomes.includes('busy'), outcomes.join());
  assert.deepEqual(outcomes.filter((outcome) => outcome !== 'busy' && outcome !== 'denied'), []);
  assert.equal(await verifier.check(basic('alice:s3cret')), 'ok');
});

test('an unknown user costs a compare at the users\' cost (measured, not asserted)', async (t) => {
  const verifier = new BasicAuthVerifier(new Map([['alice', bcrypt.hashSync('s3cret', 10)]]));
  t.after(() => verifier.close());
  await verifier.check(basic('alice:warm-up'));
  const time = async (credentials: string) => {
    const started = performance.now();
    assert.equal(await verifier.check(basic(credentials)), 'denied');
    return performance.now() - started;
  };
  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < 5; i++) {
    known.push(await time(`alice:wrong-${i}`));
    unknown.push(await time(`nobody-${i}:wrong`));
  }
  t.diagnostic(`first failed login at cost 10: existing user p50 ${median(known).toFixed(1)} ms, unknown user p50 ${median(unknown).toFixed(1)} ms`);
});
