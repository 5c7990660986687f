/**
 * Targets that misbehave: each probe must settle by its deadline (asserted loosely: timeout + 1 s)
 * with the right reason, and leave no connection behind.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { gc, openFds } from '../helpers/memory.js';
import { startUnacceptedPort } from '../helpers/unaccepted-port.js';
import { waitFor } from '../helpers/wait.js';
import { httpModule, listen, run } from './http-helpers.js';
import { compileRegex } from '../../common/regex.js';

const TIMEOUT_SECONDS = 1;
const STALLED_TIMEOUT_SECONDS = 3;

function silentServer(): { server: ReturnType<typeof createNetServer>; open: Set<Socket> } {
  const open = new Set<Socket>();
  const server = createNetServer((socket) => {
    open.add(socket);
    socket.resume(); // read (and drop) what arrives, so the client's close is seen
    socket.on('error', () => undefined);
    socket.on('close', () => open.delete(socket));
  });
  return { server, open };
}

test('a server that accepts and never answers: timeout, by the deadline, connection closed', async (t) => {
  const { server, open } = silentServer();
  const port = await listen(t, server);
  const result = await run(`http://127.0.0.1:${port}/`, httpModule({}, TIMEOUT_SECONDS));
  assert.equal(result.success, false);
  assert.equal(result.failureReason, 'timeout');
  assert.equal(result.timeoutSeconds, TIMEOUT_SECONDS);
  assert.ok(result.elapsedMs < (TIMEOUT_SECONDS + 1) * 1000, `took ${result.elapsedMs} ms`);
  assert.ok(result.elapsedMs >= TIMEOUT_SECONDS * 1000 - 50, `gave up early after ${result.elapsedMs} ms`);
  await waitFor('the probe to close its connection', () => open.size === 0, { timeoutMs: 2000, intervalMs: 20 });
});

test('a port that never accepts (the handshake hangs): timeout while connecting, by the deadline', async (t) => {
  const target = await startUnacceptedPort(t);
  const result = await run(`http://127.0.0.1:${target.port}/`, httpModule({}, TIMEOUT_SECONDS), { debug: true });
  assert.equal(result.success, false);
  assert.equal(result.failureReason, 'timeout');
  assert.ok(result.elapsedMs < (TIMEOUT_SECONDS + 1) * 1000, `took ${result.elapsedMs} ms`);
  assert.ok(result.elapsedMs >= TIMEOUT_SECONDS * 1000 - 50, `gave up early after ${result.elapsedMs} ms`);
  // It was the TCP connect that timed out, not a request on an accepted connection.
  assert.match(result.logs ?? '', new RegExp(`connecting to 127\\.0\\.0\\.1:${target.port} timed out`));
  assert.equal(result.value('probe_http_status_code'), 0);
  assert.ok(target.stillHanging(), 'the listener completed a handshake during the probe');
  // The probe's own connect attempt is abandoned: only the canary is still sending SYNs.
  await waitFor('the probe to drop its connect attempt', () => target.synSent() === 1, { timeoutMs: 2000, intervalMs: 20 });
});

test('a server that sends headers then stalls: timeout with the status already reported', async (t) => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': 1000 });
    res.write('partial');
  });
  const port = await listen(t, server);
  const result = await run(`http://127.0.0.1:${port}/`, httpModule({}, TIMEOUT_SECONDS));
  assert.equal(result.failureReason, 'timeout');
  assert.ok(result.elapsedMs < (TIMEOUT_SECONDS + 1) * 1000, `took ${result.elapsedMs} ms`);
  assert.equal(result.value('probe_http_status_code'), 200);
  assert.equal(result.value('probe_http_content_length'), 1000);
});

test('a TLS server that never finishes the handshake: timeout, no TLS families', async (t) => {
  const { server, open } = silentServer();
  const port = await listen(t, server);
  const result = await run(`https://127.0.0.1:${port}/`, httpModule({}, TIMEOUT_SECONDS));
  assert.equal(result.failureReason, 'timeout');
  assert.ok(result.elapsedMs < (TIMEOUT_SECONDS + 1) * 1000, `took ${result.elapsedMs} ms`);
  assert.equal(result.value('probe_ssl_earliest_cert_expiry'), undefined);
  await waitFor('the probe to close its connection', () => open.size === 0, { timeoutMs: 2000, intervalMs: 20 });
});

test('an endless body stops at the default limit with body_too_large and bounded memory', async (t) => {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const server = createServer((_req, res) => {
    res.writeHead(200);
    const pump = (): void => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
    res.on('error', () => undefined);
  });
  const port = await listen(t, server);
  const before = process.memoryUsage().rss;
  const result = await run(`http://127.0.0.1:${port}/`, httpModule({ fail_if_body_not_matches_regexp: [compileRegex('never')] }, 10));
  assert.equal(result.failureReason, 'body_too_large');
  assert.ok(result.elapsedMs < 10_000);
  // The body is kept for the regex, and still no more than the 10 MiB limit (+ slack) is held.
  const grownMiB = (process.memoryUsage().rss - before) / 1024 / 1024;
  assert.ok(grownMiB < 64, `RSS grew by ${grownMiB.toFixed(1)} MiB`);
});

test('many probes against a stalling server all settle by the deadline', async (t) => {
  const { server, open } = silentServer();
  const port = await listen(t, server);
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: 50 }, () => run(`http://127.0.0.1:${port}/`, httpModule({}, TIMEOUT_SECONDS))));
  assert.ok(performance.now() - started < (TIMEOUT_SECONDS + 1) * 1000);
  assert.ok(results.every((result) => result.failureReason === 'timeout'));
  await waitFor('every connection to close', () => open.size === 0, { timeoutMs: 2000, intervalMs: 20 });
});

test('heap and file descriptors stay flat over 400 probes that stall after the headers or in the TLS handshake', async (t) => {
  const stallAfterHeaders = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': 1000 });
    res.write('partial');
  });
  const open = new Set<Socket>();
  stallAfterHeaders.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  const headersPort = await listen(t, stallAfterHeaders);
  const handshake = silentServer();
  const handshakePort = await listen(t, handshake.server);
  // Every round waits out this timeout (ten rounds); at 0.3 s and 1.5 s, a loaded machine got no headers in time.
  const module = httpModule({}, STALLED_TIMEOUT_SECONDS);
  const round = async (): Promise<void> => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => run(i % 2 === 0 ? `http://127.0.0.1:${headersPort}/` : `https://127.0.0.1:${handshakePort}/`, module)),
    );
    assert.deepEqual(new Set(results.map((result) => result.failureReason)), new Set(['timeout']));
    assert.equal(results.filter((result) => result.value('probe_http_status_code') === 200).length, 25, 'half the probes got their headers');
  };
  const settle = async (): Promise<void> => {
    await waitFor('every connection to close', () => open.size === 0 && handshake.open.size === 0, { timeoutMs: 2000, intervalMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    gc();
  };
  for (let i = 0; i < 2; i++) await round(); // warm up (JIT, TLS contexts, pools)
  await settle();
  const fds = openFds();
  const heap = process.memoryUsage().heapUsed;
  for (let i = 0; i < 8; i++) await round();
  await settle();
  const grownKiB = (process.memoryUsage().heapUsed - heap) / 1024;
  assert.ok(openFds() <= fds + 2, 'sockets are closed');
  // A few KiB kept per probe (a socket, an undici client, its families) would be over 1 MiB here.
  assert.ok(grownKiB < 1024, `heap grew by ${grownKiB.toFixed(0)} KiB over 400 stalled probes`);
});

test('the caller can cancel a probe early through its signal', async (t) => {
  const { server } = silentServer();
  const port = await listen(t, server);
  const result = await run(`http://127.0.0.1:${port}/`, httpModule({}, 30), { signal: AbortSignal.timeout(200) });
  assert.equal(result.failureReason, 'timeout');
  assert.ok(result.elapsedMs < 1200, `took ${result.elapsedMs} ms`);
});
