import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GRPCProbeConfig } from '../../prober/grpc/config.js';
import { probeGRPC } from '../../prober/grpc/probe.js';
import { decodeHealthCheckResponse, encodeHealthCheckRequest, frameMessage, unframeMessage } from '../../prober/grpc/health-proto.js';
import { sampleValue } from '../helpers/exposition.js';
import { freePort } from '../helpers/ports.js';
import { startGrpcHealthServer } from '../helpers/grpc-server.js';
import { createTestCA, tempDir } from '../helpers/tls.js';
import { comparable, familyNames, moduleWith, NO_TLS, probeText, runProbe, startBlackbox, type ProbeRun } from './protocol-harness.js';

function grpcModule(overrides: Partial<GRPCProbeConfig> = {}) {
  return moduleWith('grpc', { preferred_ip_protocol: 'ip4', ip_protocol_fallback: true, service: '', tls: false, tls_config: NO_TLS, ...overrides });
}

// blackbox 0.23 grpc.go's families after a health check, without probe_success and
// probe_duration_seconds (added by probe()).
const GRPC_FAMILIES = [
  'probe_dns_lookup_time_seconds',
  'probe_grpc_duration_seconds',
  'probe_grpc_healthcheck_response',
  'probe_grpc_ssl',
  'probe_grpc_status_code',
  'probe_ip_addr_hash',
  'probe_ip_protocol',
  'probe_ssl_earliest_cert_expiry',
];

function servingStatuses(run: ProbeRun): Record<string, number> {
  const samples = run.families.get('probe_grpc_healthcheck_response')?.samples ?? [];
  return Object.fromEntries(samples.map((sample) => [sample.labels.serving_status, sample.value]));
}

test('health protobuf: request and response bytes', () => {
  assert.deepEqual(encodeHealthCheckRequest(''), Buffer.alloc(0));
  assert.deepEqual(encodeHealthCheckRequest('web'), Buffer.from([0x0a, 0x03, 0x77, 0x65, 0x62]));
  assert.equal(encodeHealthCheckRequest('x'.repeat(200)).subarray(0, 3).toString('hex'), '0ac801');
  assert.equal(decodeHealthCheckResponse(Buffer.from([0x08, 0x01])), 1);
  assert.equal(decodeHealthCheckResponse(Buffer.alloc(0)), 0);
  // Unknown fields (a string field 2, a fixed64 field 3) are skipped.
  assert.equal(decodeHealthCheckResponse(Buffer.from([0x12, 0x01, 0x61, 0x19, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x02])), 2);
  assert.deepEqual(frameMessage(Buffer.from([0x08, 0x01])), Buffer.from([0, 0, 0, 0, 2, 0x08, 0x01]));
  assert.deepEqual(unframeMessage(Buffer.from([0, 0, 0, 0, 2, 0x08, 0x01])), Buffer.from([0x08, 0x01]));
  assert.throws(() => unframeMessage(Buffer.from([0, 0, 0, 0, 5, 0x08])), /truncated/);
});

test('grpc: a SERVING service succeeds with blackbox families', async (t) => {
  const server = await startGrpcHealthServer(t, { statuses: { '': 'SERVING', web: 'SERVING' } });
  for (const service of ['', 'web']) {
    const run = await runProbe(probeGRPC, `127.0.0.1:${server.port}`, grpcModule({ service }));
    assert.equal(run.success, true, run.log);
    assert.deepEqual(familyNames(run), GRPC_FAMILIES);
    assert.equal(sampleValue(run.families, 'probe_grpc_status_code'), 0);
    assert.equal(sampleValue(run.families, 'probe_grpc_ssl'), 0);
    assert.equal(sampleValue(run.families, 'probe_ssl_earliest_cert_expiry'), 0);
    assert.deepEqual(servingStatuses(run), { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 0, SERVICE_UNKNOWN: 0 });
    assert.deepEqual(run.families.get('probe_grpc_duration_seconds')?.samples.map((s) => s.labels.phase), ['check', 'resolve']);
  }
});

test('grpc: an http:// target prefix is accepted, as blackbox does', async (t) => {
  const server = await startGrpcHealthServer(t, { statuses: { '': 'SERVING' } });
  const run = await runProbe(probeGRPC, `http://127.0.0.1:${server.port}`, grpcModule());
  assert.equal(run.success, true, run.log);
});

test('grpc: NOT_SERVING fails with grpc_status, status code 0', async (t) => {
  const server = await startGrpcHealthServer(t, { statuses: { web: 'NOT_SERVING' } });
  const run = await runProbe(probeGRPC, `127.0.0.1:${server.port}`, grpcModule({ service: 'web' }));
  assert.equal(run.success, false);
  assert.equal(run.reason, 'grpc_status');
  assert.equal(sampleValue(run.families, 'probe_grpc_status_code'), 0);
  assert.deepEqual(servingStatuses(run), { UNKNOWN: 0, SERVING: 0, NOT_SERVING: 1, SERVICE_UNKNOWN: 0 });

  server.health.setStatus('web', 'SERVING');
  assert.equal((await runProbe(probeGRPC, `127.0.0.1:${server.port}`, grpcModule({ service: 'web' }))).success, true);
});

test('grpc: an unknown service fails with gRPC status 5 (NOT_FOUND)', async (t) => {
  const server = await startGrpcHealthServer(t, { statuses: { web: 'SERVING' } });
  const run = await runProbe(probeGRPC, `127.0.0.1:${server.port}`, grpcModule({ service: 'nope' }));
  assert.equal(run.success, false);
  assert.equal(run.reason, 'grpc_status');
  assert.equal(sampleValue(run.families, 'probe_grpc_status_code'), 5);
  assert.deepEqual(servingStatuses(run), { UNKNOWN: 0, SERVING: 0, NOT_SERVING: 0, SERVICE_UNKNOWN: 0 });
});

test('grpc: a closed port fails with connect_refused and status 14 (UNAVAILABLE)', async () => {
  const port = await freePort();
  const run = await runProbe(probeGRPC, `127.0.0.1:${port}`, grpcModule());
  assert.equal(run.success, false);
  assert.equal(run.reason, 'connect_refused');
  assert.equal(sampleValue(run.families, 'probe_grpc_status_code'), 14);
  assert.deepEqual(familyNames(run), GRPC_FAMILIES);
});

test('grpc over TLS: a trusted server succeeds with probe_grpc_ssl 1 and its certificate expiry', async (t) => {
  const ca = createTestCA(tempDir(t));
  const notAfter = new Date('2030-01-02T03:04:05Z');
  const leaf = ca.issue({ notAfter });
  const server = await startGrpcHealthServer(t, { statuses: { '': 'SERVING' }, tls: leaf });
  const run = await runProbe(probeGRPC, `127.0.0.1:${server.port}`, grpcModule({ tls: true, tls_config: { insecure_skip_verify: false, ca: ca.cert } }));
  assert.equal(run.success, true, run.log);
  assert.equal(sampleValue(run.families, 'probe_grpc_ssl'), 1);
  assert.equal(sampleValue(run.families, 'probe_ssl_earliest_cert_expiry'), notAfter.getTime() / 1000);
  assert.equal(sampleValue(run.families, 'probe_tls_version_info', { version: 'TLS 1.3' }), 1);

  const untrusted = await runProbe(probeGRPC, `127.0.0.1:${server.port}`, grpcModule({ tls: true }));
  assert.equal(untrusted.success, false);
  assert.equal(untrusted.reason, 'tls');
  assert.equal(sampleValue(untrusted.families, 'probe_grpc_status_code'), 14);
  assert.equal(sampleValue(untrusted.families, 'probe_grpc_ssl'), 0);

  // Plain h2c against a TLS port: the server cannot answer, the probe fails and does not hang.
  const plain = await runProbe(probeGRPC, `127.0.0.1:${server.port}`, grpcModule(), 3000);
  assert.equal(plain.success, false);
  assert.notEqual(sampleValue(plain.families, 'probe_grpc_status_code'), 0);
});

test('grpc: same families, labels and values as blackbox_exporter 0.23 on the same servers', async (t) => {
  const yaml = [
    'modules:',
    '  grpc_plain: {prober: grpc, timeout: 3s, grpc: {preferred_ip_protocol: ip4}}',
    '  grpc_web: {prober: grpc, timeout: 3s, grpc: {preferred_ip_protocol: ip4, service: web}}',
    '  grpc_nope: {prober: grpc, timeout: 3s, grpc: {preferred_ip_protocol: ip4, service: nope}}',
    '  grpc_tls: {prober: grpc, timeout: 3s, grpc: {preferred_ip_protocol: ip4, tls: true, tls_config: {insecure_skip_verify: true}}}',
    '',
  ].join('\n');
  const blackbox = await startBlackbox(t, yaml);
  const plain = await startGrpcHealthServer(t, { statuses: { '': 'SERVING', web: 'NOT_SERVING' } });
  const secure = await startGrpcHealthServer(t, { statuses: { '': 'SERVING' }, tls: createTestCA(tempDir(t)).issue({ notAfter: new Date('2030-01-02T03:04:05Z') }) });
  const cases: [string, string][] = [
    ['grpc_plain', `127.0.0.1:${plain.port}`],
    ['grpc_web', `127.0.0.1:${plain.port}`],
    ['grpc_nope', `127.0.0.1:${plain.port}`],
    ['grpc_plain', `127.0.0.1:${await freePort()}`],
    ['grpc_tls', `127.0.0.1:${secure.port}`],
  ];
  for (const [module, target] of cases) {
    // tls.ts adds probe_ssl_last_chain_expiry_timestamp_seconds after every handshake; blackbox's grpc prober does not.
    const ours = comparable(await probeText(yaml, module, target)).filter((line) => !line.includes('probe_ssl_last_chain_expiry_timestamp_seconds'));
    assert.deepEqual(ours, comparable(await blackbox(module, target)), `${module} ${target}`);
  }
});
