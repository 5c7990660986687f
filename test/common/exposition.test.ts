import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { acceptsGzip, negotiateFormat, renderFamilies, sendMetricsBody } from '../../common/exposition.js';
import { describeMetric, MetricFamilies } from '../../common/metrics.js';
import { collectProcessMetrics } from '../../common/process-metrics.js';
import { parseExposition } from '../helpers/exposition.js';

const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

test('negotiateFormat: OpenMetrics when Accept ranks it at least as high as text, whatever its version parameter', () => {
  assert.equal(negotiateFormat(PROMETHEUS_ACCEPT), 'openmetrics');
  assert.equal(negotiateFormat('application/openmetrics-text; version=0.0.1,text/plain;version=0.0.4;q=0.5'), 'openmetrics');
  assert.equal(negotiateFormat('text/plain, application/openmetrics-text'), 'openmetrics');
  assert.equal(negotiateFormat('application/openmetrics-text;q=0.2, text/plain;q=0.5'), 'text');
  assert.equal(negotiateFormat('application/openmetrics-text;q=0'), 'text');
  assert.equal(negotiateFormat('*/*'), 'text');
  assert.equal(negotiateFormat(undefined), 'text');
});

test('acceptsGzip: listed with a q above zero', () => {
  assert.equal(acceptsGzip('gzip, deflate'), true);
  assert.equal(acceptsGzip('br;q=1, gzip;q=0.5'), true);
  assert.equal(acceptsGzip('gzip;q=0, br'), false);
  assert.equal(acceptsGzip('identity'), false);
  assert.equal(acceptsGzip(undefined), false);
});

test('histograms render cumulative buckets, +Inf, _sum and _count in both formats', () => {
  const desc = describeMetric('probe_check_duration_seconds', 'Duration of checks.', 'histogram', ['target']);
  const families = new MetricFamilies();
  families.addHistogram(desc, { upperBounds: [0.1, 1], cumulativeCounts: [2, 3], sum: 1.25, count: 4 }, ['a"b']);
  const expected =
    'probe_check_duration_seconds_bucket{target="a\\"b",le="0.1"} 2\n' +
    'probe_check_duration_seconds_bucket{target="a\\"b",le="1"} 3\n' +
    'probe_check_duration_seconds_bucket{target="a\\"b",le="+Inf"} 4\n' +
    'probe_check_duration_seconds_sum{target="a\\"b"} 1.25\n' +
    'probe_check_duration_seconds_count{target="a\\"b"} 4\n';
  const header = '# HELP probe_check_duration_seconds Duration of checks.\n# TYPE probe_check_duration_seconds histogram\n';
  assert.equal(renderFamilies(families.families(), 'text'), header + expected);
  assert.equal(renderFamilies(families.families(), 'openmetrics'), header + expected);
  assert.throws(() => families.add(desc, 1, ['x']), /is a histogram: add it with addHistogram/);
  assert.throws(() => describeMetric('h', 'help', 'histogram', ['le']), /cannot have an "le" label/);
});

test('process metrics: CPU, memory, start time and, on Linux, file descriptors of this process', () => {
  const families = new MetricFamilies();
  collectProcessMetrics(families);
  const parsed = parseExposition(renderFamilies(families.families(), 'text'));
  assert.equal(parsed.get('process_cpu_seconds_total')?.type, 'counter');
  assert.ok((parsed.get('process_resident_memory_bytes')?.samples[0]?.value ?? 0) > 1024 * 1024);
  const start = parsed.get('process_start_time_seconds')?.samples[0]?.value ?? 0;
  assert.ok(start <= Date.now() / 1000 && start > Date.now() / 1000 - 3600);
  if (process.platform === 'linux') {
    const limit = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
    assert.equal(parsed.get('process_max_fds')?.samples[0]?.value, Number(limit));
    assert.ok((parsed.get('process_open_fds')?.samples[0]?.value ?? 0) >= 3);
  }
});

test('sendMetricsBody: plain or gzipped, from a string or streamed from chunks', async (t) => {
  const app = Fastify();
  t.after(() => app.close());
  app.get('/string', (request, reply) => sendMetricsBody(reply, 200, 'a 1\n', 'text/plain', request.headers['accept-encoding'] === 'gzip'));
  app.get('/chunks', (request, reply) => sendMetricsBody(reply, 200, ['a 1\n', 'b 2\n'], 'text/plain', request.headers['accept-encoding'] === 'gzip'));
  for (const url of ['/string', '/chunks']) {
    const plain = await app.inject({ url });
    assert.equal(plain.headers['content-encoding'], undefined);
    const zipped = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(zipped.rawPayload).toString(), plain.body);
  }
  assert.equal((await app.inject({ url: '/chunks' })).body, 'a 1\nb 2\n');
});
