/**
 * Targets that misbehave: each probe must fail with the right reason by its deadline and leave no
 * connection open behind it.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '../../common/logging.js';
import { MetricFamilies } from '../../common/metrics.js';
import { probeDNS } from '../../prober/dns/probe.js';
import { probeGRPC } from '../../prober/grpc/probe.js';
import { PING_BINARY, probeICMP } from '../../prober/icmp/probe.js';
import { createTargetPolicy } from '../../prober/net/policy.js';
import { probeTCP } from '../../prober/tcp/probe.js';
import { runProber } from '../../prober/probe.js';
import { defaultModule } from '../../prober/config/modules.js';
import { startDnsServer } from '../helpers/dns-server.js';
import { parseExposition, sampleValue } from '../helpers/exposition.js';
import { requireBinary } from '../helpers/process.js';
import { runInSilentNetwork } from '../helpers/silent-network.js';
import { startUnacceptedPort } from '../helpers/unaccepted-port.js';
import { waitFor } from '../helpers/wait.js';
import { moduleWith, runProbe, tcpModule, type ProbeRun } from './protocol-harness.js';
import { compileRegex } from '../../common/regex.js';

const TIMEOUT_MS = 800;
/** How late a probe may return after its deadline (event-loop and teardown slack on a busy CI box). */
const SLACK_MS = 400;

interface SilentServer {
  port: number;
  /** Connections still open on the server side. */
  open(): number;
  accepted(): number;
}

/** Accepts connections and reads what arrives, but never writes a byte. */
async function startSilentServer(t: TestContext, onData?: (socket: Socket) => void): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.on('data', () => onData?.(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as AddressInfo).port, open: () => sockets.size, accepted: () => accepted };
}

function assertTimedOut(run: Omit<ProbeRun, 'families'>): void {
  assert.equal(run.success, false);
  assert.equal(run.reason, 'timeout', run.log);
  assert.ok(run.elapsedMs >= TIMEOUT_MS - 50, `returned after ${run.elapsedMs} ms, before the deadline`);
  assert.ok(run.elapsedMs <= TIMEOUT_MS + SLACK_MS, `returned after ${run.elapsedMs} ms, deadline ${TIMEOUT_MS} ms`);
}

async function assertConnectionsClosed(server: SilentServer): Promise<void> {
  assert.ok(server.accepted() > 0, 'the probe never connected');
  await waitFor('the probe to close its connection', () => server.open() === 0, { timeoutMs: 2000, intervalMs: 20 });
}

test('tcp: a port that never accepts (the handshake hangs) fails with timeout while connecting', async (t) => {
  const target = await startUnacceptedPort(t);
  const run = await runProbe(probeTCP, `127.0.0.1:${target.port}`, tcpModule(), TIMEOUT_MS);
  assertTimedOut(run);
  assert.match(run.log, new RegExp(`connecting to 127\\.0\\.0\\.1 port ${target.port} timed out`));
  assert.doesNotMatch(run.log, /Successfully dialed/);
  assert.ok(target.stillHanging(), 'the listener completed a handshake during the probe');
  await waitFor('the probe to drop its connect attempt', () => target.synSent() === 1, { timeoutMs: 2000, intervalMs: 20 });
});

test('tcp: a port that accepts and never speaks fails an expect step with timeout', async (t) => {
  const server = await startSilentServer(t);
  const run = await runProbe(probeTCP, `127.0.0.1:${server.port}`, tcpModule({ query_response: [{ expect: compileRegex('^220 '), starttls: false }] }), TIMEOUT_MS);
  assertTimedOut(run);
  // Not a regex failure: nothing was read at all.
  assert.equal(sampleValue(run.families, 'probe_failed_due_to_regex'), 0);
  await assertConnectionsClosed(server);
});

test('tcp: a server trickling bytes without a newline fails with timeout', async (t) => {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    const timer = setInterval(() => socket.write('x'), 20);
    socket.on('close', () => {
      clearInterval(timer);
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const port = (server.address() as AddressInfo).port;
  const run = await runProbe(probeTCP, `127.0.0.1:${port}`, tcpModule({ query_response: [{ expect: compileRegex('^OK'), starttls: false }] }), TIMEOUT_MS);
  assertTimedOut(run);
  await waitFor('the probe to close its connection', () => sockets.size === 0, { timeoutMs: 2000, intervalMs: 20 });
});

test('tcp with tls: a server that never finishes the handshake fails with timeout, no TLS family', async (t) => {
  const server = await startSilentServer(t);
  const run = await runProbe(probeTCP, `127.0.0.1:${server.port}`, tcpModule({ tls: true, tls_config: { insecure_skip_verify: true } }), TIMEOUT_MS);
  assertTimedOut(run);
  assert.equal(run.families.has('probe_ssl_earliest_cert_expiry'), false);
  assert.equal(run.families.has('probe_tls_version_info'), false);
  await assertConnectionsClosed(server);
});

for (const transport of ['udp', 'tcp'] as const) {
  test(`dns over ${transport}: a server that never answers fails with timeout`, async (t) => {
    const server = await startDnsServer(t, () => undefined);
    const module = moduleWith('dns', { ...defaultModule('dns').dns, preferred_ip_protocol: 'ip4', query_name: 'example.test', query_type: 'A', transport_protocol: transport });
    const run = await runProbe(probeDNS, `127.0.0.1:${server.port}`, module, TIMEOUT_MS);
    assertTimedOut(run);
    assert.equal(server.queries.length, 1);
    assert.equal(sampleValue(run.families, 'probe_dns_query_succeeded'), 0);
    // The time spent waiting is the request phase.
    assert.ok(sampleValue(run.families, 'probe_dns_duration_seconds', { phase: 'request' })! >= (TIMEOUT_MS - 100) / 1000);
  });
}

test('grpc: a port that accepts but never speaks HTTP/2 fails with timeout, DEADLINE_EXCEEDED', async (t) => {
  const server = await startSilentServer(t);
  const run = await runProbe(probeGRPC, `127.0.0.1:${server.port}`, moduleWith('grpc', { ...defaultModule('grpc').grpc, preferred_ip_protocol: 'ip4' }), TIMEOUT_MS);
  assertTimedOut(run);
  assert.equal(sampleValue(run.families, 'probe_grpc_status_code'), 4);
  await assertConnectionsClosed(server);
});

test('grpc with tls: a server that never finishes the handshake fails with timeout', async (t) => {
  const server = await startSilentServer(t);
  const module = moduleWith('grpc', { ...defaultModule('grpc').grpc, preferred_ip_protocol: 'ip4', tls: true });
  const run = await runProbe(probeGRPC, `127.0.0.1:${server.port}`, module, TIMEOUT_MS);
  assertTimedOut(run);
  assert.equal(sampleValue(run.families, 'probe_grpc_ssl'), 0);
  await assertConnectionsClosed(server);
});

test('icmp: a deadline that has passed when ping is about to start fails the probe with timeout, and ping is not run', async () => {
  requireBinary(PING_BINARY, 'iputils-ping');
  // The deadline is made to fire exactly when the probe logs that it starts ping.
  const controller = new AbortController();
  let log = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      log += chunk.toString();
      if (chunk.toString().includes('Running ping')) controller.abort(new Error('deadline'));
      done();
    },
  });
  const sink = new MetricFamilies();
  const failure = await runProber(probeICMP, '127.0.0.1', moduleWith('icmp', { ...defaultModule('icmp').icmp, preferred_ip_protocol: 'ip4' }), sink, {
    signal: controller.signal,
    logger: createLogger({ level: 'debug', destination }),
    policy: createTargetPolicy(),
  });
  const success = failure === undefined;
  const reason = failure?.reason;
  assert.equal(success, false);
  assert.equal(reason, 'timeout');
  assert.match(log, /probe deadline reached before ping started/);
  assert.doesNotMatch(log, /ping output/);
  assert.equal(sink.byName.has('probe_icmp_reply_hop_limit'), false);
});

test('icmp: a host that never answers: ping is killed at the deadline (timeout), or gives up after its own wait (icmp)', async () => {
  requireBinary(PING_BINARY, 'iputils-ping');
  const PING_WAIT_SECONDS = 1;
  const output = await runInSilentNetwork('test/prober/icmp-silent-host.child.ts', [String(TIMEOUT_MS), String(PING_WAIT_SECONDS)]);
  const { killed, unanswered } = JSON.parse(output) as Record<'killed' | 'unanswered', Omit<ProbeRun, 'families'> & { pingsLeft?: number }>;

  assertTimedOut(killed);
  assert.match(killed.log, /ping killed with SIGTERM/);
  assert.equal(killed.pingsLeft, 0);

  assert.equal(unanswered.success, false);
  assert.equal(unanswered.reason, 'icmp', unanswered.log);
  assert.match(unanswered.log, /no echo reply \(ping exited with 1\): 1 packets transmitted, 0 received/);
  assert.ok(unanswered.elapsedMs >= PING_WAIT_SECONDS * 1000 - 50, `returned after ${unanswered.elapsedMs} ms`);
  for (const run of [killed, unanswered]) {
    const families = parseExposition(run.text);
    assert.deepEqual(families.get('probe_icmp_duration_seconds')?.samples.map((sample) => sample.labels.phase).sort(), ['resolve', 'rtt', 'setup']);
    assert.equal(families.has('probe_icmp_reply_hop_limit'), false);
  }
});
