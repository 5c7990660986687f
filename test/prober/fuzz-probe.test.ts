/**
 * A bounded fuzz of /probe (issue 10) against a real prober app on loopback: generated queries
 * with bad methods, odd headers, huge and malformed target/module/timeout values, plus raw
 * malformed requests. No answer may be a 5xx, take longer than its timeout + 1 s, or crash the
 * process; open fds and the heap return to their baseline. A fixed seed runs every time, then a
 * random one, printed when it fails. Targets are loopback only: hosts that a resolver would look
 * up are generated only where the URL parser refuses them first.
 */
import { seededRandom } from '../helpers/random.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigStore } from '../../prober/config-store.js';
import { buildProberApp } from '../../prober/server/app.js';
import { gc, openFds } from '../helpers/memory.js';
import { freePort } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait.js';

const FIXED_SEED = 0x5eed_0010;
const REQUESTS_PER_SEED = 1500;
const CONCURRENCY = 12;
/** Every module's timeout; a timeout header can only shorten it. */
const MODULE_TIMEOUT_SECONDS = 1;
const ANSWER_BOUND_MS = (MODULE_TIMEOUT_SECONDS + 1) * 1000;
/** Client-side give-up: an answer this late is a hang. */
const CLIENT_TIMEOUT_MS = 15_000;

const CONFIG = `modules:
${['http_2xx: http', 'tcp_connect: tcp', 'icmp: icmp', 'grpc: grpc']
  .map((line) => line.split(': '))
  .map(([name, prober]) => `  ${name}:\n    prober: ${prober}\n    timeout: ${MODULE_TIMEOUT_SECONDS}s\n`)
  .join('')}  dns:
    prober: dns
    timeout: ${MODULE_TIMEOUT_SECONDS}s
    dns:
      query_name: example.com
`;

interface Ports {
  ok: number;
  silent: number;
  closed: number;
}

interface FuzzCase {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Sent as raw bytes instead (a malformed request line or header). */
  raw?: string;
}

function generator(seed: number, ports: Ports): () => FuzzCase {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const chance = (p: number): boolean => next() < p;
  const repeat = (text: string): string => text.repeat(1 + Math.floor(next() * (chance(0.1) ? 20_000 : 50)));

  const loopbackHosts = ['127.0.0.1', 'localhost', '[::1]', '0', '0.0.0.0', '2130706433', '0x7f.1', '[::ffff:127.0.0.1]', '[::]', '127.1'];
  // The URL parser refuses these before any lookup (http targets only).
  const unparsableHosts = ['a b', '<x>', 'a^b', '[%zz]', '[::1', '[zz]', '%', 'a|b', '[', ']', ''];
  const portTexts = () => [String(ports.ok), String(ports.silent), String(ports.closed), '0', '00000', '65536', '-1', 'abc', '99999999999', '', repeat('9')];
  const modules = ['http_2xx', 'tcp_connect', 'dns', 'icmp', 'grpc', 'nope', '', repeat('m'), '%00', 'http_2xx%', '../etc'];
  const timeouts = ['', '0', '0.5', '1', '2.5', '-1', '1e10', '1e400', 'NaN', 'abc', ' 3 ', '0x10', repeat('1'), '-1e400', '.5'];
  const methods = ['GET', 'GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'PROPFIND', 'FOO', 'G3T'];

  const target = (module: string): string => {
    const anyHost = module === 'http_2xx' || module === 'nope' || module === '';
    const host = anyHost && chance(0.3) ? pick(unparsableHosts) : pick(loopbackHosts);
    const scheme = anyHost ? pick(['', 'http://', 'https://', 'HTTP://', 'http:/', 'tcp://']) : pick(['', '', '', 'http://']);
    const port = chance(0.85) ? `:${pick(portTexts())}` : '';
    const path = chance(0.3) ? `/${pick(['x', 'probe?target=127.0.0.1:1', '%zz', 'é', repeat('y')])}` : '';
    return `${scheme}${host}${port}${path}`;
  };
  const encoded = (text: string): string => (chance(0.15) ? text.replace(/[^!-~]/g, (c) => encodeURIComponent(c)).replace(/[#&]/g, '') : encodeURIComponent(text));

  return () => {
    const module = pick(modules);
    const params: string[] = [];
    const targets = chance(0.9) ? 1 + Math.floor(next() * (chance(0.1) ? 3 : 1)) : 0;
    for (let i = 0; i < targets; i++) params.push(`target=${encoded(target(module))}`);
    if (chance(0.9)) params.push(`module=${encoded(module)}`);
    if (chance(0.1)) params.push(`debug=${pick(['true', 'false', '1', repeat('t')])}`);
    if (chance(0.1)) params.push(`hostname=${encoded(pick(['example.com', '', repeat('h'), 'a b']))}`);
    if (chance(0.05)) params.push(`${encoded(repeat('k'))}=${encoded(repeat('v'))}`);
    const headers: Record<string, string> = {};
    if (chance(0.5)) headers['x-prometheus-scrape-timeout-seconds'] = pick(timeouts);
    if (chance(0.2)) headers.accept = pick(['application/openmetrics-text; version=1.0.0', '*/*', repeat('a/b,')]);
    if (chance(0.1)) headers['x-platypus-probe-depth'] = pick(['0', '1', '2', '-1', 'x', repeat('9')]);
    if (chance(0.05)) headers['x-odd'] = repeat('z');
    if (chance(0.05)) for (let i = 0; i < 60; i++) headers[`x-many-${i}`] = String(i);
    const path = `${pick(['/probe', '/probe', '/probe', '/probe', '/probe/', '/PROBE', '/probe;x', '//probe'])}?${params.join('&')}`;
    const method = pick(methods);
    if (chance(0.08)) {
      const raw = pick([
        `${method} ${path} HTTP/1.1\r\nHost: x\r\nX-Bad: \u0001\r\n\r\n`,
        `GARBAGE\r\n\r\n`,
        `GET ${path} HTTP/9.9\r\nHost: x\r\n\r\n`,
        `GET /probe?target=${'%'.repeat(3)} HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n`,
        `GET ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`,
        `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Prometheus-Scrape-Timeout-Seconds: 1e10\r\nX-Prometheus-Scrape-Timeout-Seconds: -5\r\n\r\n`,
      ]);
      return { method, path, headers, raw };
    }
    return { method, path, headers };
  };
}

interface Answer {
  status: number | undefined;
  elapsedMs: number;
}

function send(port: number, fuzz: FuzzCase): Promise<Answer> {
  const started = performance.now();
  const done = (status: number | undefined): Answer => ({ status, elapsedMs: performance.now() - started });
  const raw = fuzz.raw;
  if (raw !== undefined) {
    return new Promise((resolve) => {
      const socket: Socket = connect(port, '127.0.0.1', () => socket.end(raw));
      let head = '';
      socket.setTimeout(CLIENT_TIMEOUT_MS, () => socket.destroy());
      socket.on('data', (chunk: Buffer) => (head += chunk.toString('latin1')));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        const match = /^HTTP\/1\.[01] (\d{3})/.exec(head);
        resolve(done(match === null ? undefined : Number(match[1])));
      });
    });
  }
  return new Promise((resolve) => {
    let request;
    try {
      request = httpRequest({ host: '127.0.0.1', port, method: fuzz.method, path: fuzz.path, headers: fuzz.headers, agent: false, timeout: CLIENT_TIMEOUT_MS });
    } catch {
      return resolve(done(0)); // the client itself refused the request (an invalid header): nothing was sent
    }
    request.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve(done(response.statusCode)));
      response.on('error', () => resolve(done(response.statusCode)));
    });
    request.on('timeout', () => request.destroy(new Error('client timeout')));
    request.on('error', () => resolve(done(undefined)));
    request.end();
  });
}

/**
 * The targets (an http server answering "ok", a TCP server that never answers) run in a child
 * process, so that the fds counted here are the prober's and the fuzzing client's alone.
 */
const TARGETS_SCRIPT = `
const http = require('node:http'), net = require('node:net');
const ok = http.createServer((_q, r) => r.end('ok'));
const silent = net.createServer((s) => s.on('error', () => {}));
ok.listen(0, '127.0.0.1', () => silent.listen(0, '127.0.0.1', () =>
  process.stdout.write(JSON.stringify({ ok: ok.address().port, silent: silent.address().port }) + '\\n')));
`;

async function targets(t: TestContext): Promise<Ports> {
  const child = spawn(process.execPath, ['-e', TARGETS_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => void child.kill('SIGKILL'));
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const { ok, silent } = JSON.parse(line.toString()) as { ok: number; silent: number };
  return { ok, silent, closed: await freePort() };
}

interface RunFigures {
  requests: number;
  fiveXX: string[];
  hangs: string[];
  worstOverBoundMs: number;
  worst: string;
}

async function fuzz(port: number, seed: number, ports: Ports, count: number): Promise<RunFigures> {
  const nextCase = generator(seed, ports);
  const figures: RunFigures = { requests: 0, fiveXX: [], hangs: [], worstOverBoundMs: -Infinity, worst: '' };
  const cases = Array.from({ length: count }, nextCase);
  let index = 0;
  const describe = (fuzzCase: FuzzCase): string => `${fuzzCase.raw === undefined ? `${fuzzCase.method} ${fuzzCase.path}` : JSON.stringify(fuzzCase.raw)}`.slice(0, 300);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (index < cases.length) {
        const fuzzCase = cases[index++]!;
        const answer = await send(port, fuzzCase);
        figures.requests++;
        if (answer.status !== undefined && answer.status >= 500) figures.fiveXX.push(`${answer.status} for ${describe(fuzzCase)}`);
        if (answer.elapsedMs >= CLIENT_TIMEOUT_MS) figures.hangs.push(describe(fuzzCase));
        if (answer.elapsedMs - ANSWER_BOUND_MS > figures.worstOverBoundMs) {
          figures.worstOverBoundMs = answer.elapsedMs - ANSWER_BOUND_MS;
          figures.worst = describe(fuzzCase);
        }
      }
    }),
  );
  return figures;
}

function heapMiB(): number {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

test('fuzzed /probe requests: no 5xx, no crash, answers within timeout + 1 s, fds and heap back to baseline', async (t) => {
  const ports = await targets(t);
  const dir = mkdtempSync(join(tmpdir(), 'platypus-fuzz-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'blackbox.yml'), CONFIG);
  const app = buildProberApp({ store: await ConfigStore.open({ path: join(dir, 'blackbox.yml') }), maxConcurrentProbes: 64 });
  t.after(() => app.close());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;

  await fuzz(port, FIXED_SEED ^ 1, ports, 100); // warm-up: modules, parsers, pools
  await sleep(200);
  const fdsBefore = openFds();
  const heapBefore = heapMiB();

  const randomSeed = randomInt(0, 2 ** 31);
  for (const seed of [FIXED_SEED, randomSeed]) {
    const figures = await fuzz(port, seed, ports, REQUESTS_PER_SEED);
    t.diagnostic(`seed ${seed}: ${figures.requests} requests, ${figures.fiveXX.length} 5xx, worst answer ${Math.round(figures.worstOverBoundMs)} ms over its ${ANSWER_BOUND_MS} ms bound (${figures.worst})`);
    const context = `seed ${seed} (rerun with FIXED_SEED = ${seed})`;
    assert.deepEqual(figures.fiveXX.slice(0, 5), [], `${context}: 5xx answers`);
    assert.deepEqual(figures.hangs.slice(0, 5), [], `${context}: no answer within ${CLIENT_TIMEOUT_MS} ms`);
    assert.ok(figures.worstOverBoundMs <= 0, `${context}: an answer took ${Math.round(figures.worstOverBoundMs)} ms longer than its timeout + 1 s: ${figures.worst}`);
  }
  assert.equal((await send(port, { method: 'GET', path: '/-/healthy', headers: {} })).status, 200);

  const fdsAfter = await waitFor('open fds back to the baseline', () => (openFds() <= fdsBefore + 2 ? openFds() : undefined), { timeoutMs: 15_000 }).catch(() => openFds());
  const heapAfter = await waitFor('heap back to the baseline', () => (heapMiB() <= heapBefore + 16 ? heapMiB() : undefined), { timeoutMs: 15_000 }).catch(() => heapMiB());
  t.diagnostic(`open fds ${fdsBefore} → ${fdsAfter}; heap ${heapBefore.toFixed(1)} → ${heapAfter.toFixed(1)} MiB`);
  assert.ok(fdsAfter <= fdsBefore + 2, `open fds ${fdsBefore} → ${fdsAfter}`);
  assert.ok(heapAfter <= heapBefore + 16, `heap ${heapBefore.toFixed(1)} → ${heapAfter.toFixed(1)} MiB`);
});
