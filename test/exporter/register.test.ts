import assert from 'node:assert/strict';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { createLogger } from '../../common/logging.js';
import { describeMetric } from '../../common/metrics.js';
import { buildExporterApp } from '../../exporter/app.js';
import { metricsPlugin } from '../../exporter/plugin.js';
import { registerHostCollectors } from '../../exporter/register.js';
import { HostScraper } from '../../exporter/scrape.js';
import { NoDataError, type CollectorDefinition } from '../../exporter/types.js';
import { parseExposition, sampleValue } from '../helpers/exposition.js';
import { FIXTURES } from './collectors/fixture.js';
import Fastify from 'fastify';

const goodDesc = describeMetric('test_good_total', 'A counter from a healthy collector.', 'counter', ['device']);
const levelDesc = describeMetric('test_level', 'A gauge.', 'gauge');

/** A collector whose devices the test changes between scrapes. */
function devicesCollector(devices: string[]): CollectorDefinition {
  return {
    name: 'good',
    defaultEnabled: true,
    description: 'Healthy.',
    create: () => ({
      async update(sink) {
        devices.forEach((device, i) => sink.add(goodDesc, i + 1, [device]));
        sink.add(levelDesc, 0.5);
      },
    }),
  };
}

function failing(name: string, update: (signal: AbortSignal) => Promise<void>, defaultEnabled = true): CollectorDefinition {
  return {
    name,
    defaultEnabled,
    description: `${name}.`,
    create: () => ({
      async update(sink, signal) {
        sink.add(describeMetric(`test_${name}_partial`, 'Added before failing.', 'gauge'), 1);
        await update(signal);
      },
    }),
  };
}

const throwing = failing('throwing', async () => {
  throw new Error('boom');
});
const noData = failing('nodata', async () => {
  throw new NoDataError('nothing here');
});
let hangAborted = false;
const hanging = failing('hanging', (signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => ((hangAborted = true), resolve()))));
const optional = failing('optional', async () => {}, false);

function captureLogger() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', format: 'logfmt', destination: { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream });
  return { logger, lines };
}

test('isolation: throwing, hanging and no-data collectors give success 0; the scrape answers 200 in time', async () => {
  const { logger, lines } = captureLogger();
  const app = buildExporterApp({ collectors: [devicesCollector(['a']), throwing, hanging, noData], collectorTimeoutMs: 300, logger });
  const started = performance.now();
  const response = await app.inject({ url: '/metrics' });
  const elapsed = performance.now() - started;
  assert.equal(response.statusCode, 200);
  assert.ok(elapsed < 2_000, `answered in ${elapsed} ms`);
  assert.ok(hangAborted, 'the hanging collector saw its signal abort');
  const text = response.body;
  assert.equal(sampleValue(text, 'node_scrape_collector_success', { collector: 'good' }), 1);
  for (const name of ['throwing', 'hanging', 'nodata']) {
    assert.equal(sampleValue(text, 'node_scrape_collector_success', { collector: name }), 0, name);
    assert.equal(sampleValue(text, `test_${name}_partial`), undefined, `${name}: nothing of a failed collector is kept`);
    assert.ok((sampleValue(text, 'node_scrape_collector_duration_seconds', { collector: name }) ?? -1) >= 0);
  }
  assert.ok((sampleValue(text, 'node_scrape_collector_duration_seconds', { collector: 'hanging' }) ?? 0) >= 0.29);
  assert.equal(sampleValue(text, 'test_good_total', { device: 'a' }), 1);
  assert.ok(lines.some((line) => /level=error .*collector=throwing/.test(line) && line.includes('err=boom')), lines.join(''));
  assert.ok(lines.some((line) => /level=error .*collector=hanging/.test(line) && line.includes('did not finish within 0.3s')), lines.join(''));
  assert.ok(lines.some((line) => /level=debug .*collector=nodata/.test(line)), lines.join(''));
  assert.ok(!lines.some((line) => /level=error .*collector=nodata/.test(line)));
  await app.close();
});

test('vanished series vanish from the next scrape', async () => {
  const devices = ['eth0', 'eth1'];
  const app = buildExporterApp({ collectors: [devicesCollector(devices)], exporterMetrics: false });
  assert.equal(sampleValue((await app.inject({ url: '/metrics' })).body, 'test_good_total', { device: 'eth1' }), 2);
  devices.pop();
  const text = (await app.inject({ url: '/metrics' })).body;
  assert.equal(sampleValue(text, 'test_good_total', { device: 'eth1' }), undefined);
  assert.equal(sampleValue(text, 'test_good_total', { device: 'eth0' }), 1);
  await app.close();
});

test('collect[] and exclude[] select collectors; both, or an unknown name, is a 400', async () => {
  const app = buildExporterApp({ collectors: [devicesCollector(['a']), throwing, optional], exporterMetrics: false });
  const collectors = (url: string) => async () => {
    const response = await app.inject({ url });
    assert.equal(response.statusCode, 200);
    return [...(parseExposition(response.body).get('node_scrape_collector_success')?.samples ?? [])].map((sample) => sample.labels.collector).sort();
  };
  assert.deepEqual(await collectors('/metrics')(), ['good', 'throwing']);
  assert.deepEqual(await collectors('/metrics?collect[]=good')(), ['good']);
  assert.deepEqual(await collectors('/metrics?exclude[]=good')(), ['throwing']);
  assert.deepEqual(await collectors('/metrics?collect[]=good&collect[]=throwing')(), ['good', 'throwing']);
  const both = await app.inject({ url: '/metrics?collect[]=good&exclude[]=throwing' });
  assert.equal(both.statusCode, 400);
  assert.equal(both.body, 'Couldn\'t create filtered metrics handler: "collect[]" and "exclude[]" cannot be used together\n');
  for (const name of ['nope', 'optional']) {
    const unknown = await app.inject({ url: `/metrics?collect[]=${name}` });
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.body, `Couldn't create filtered metrics handler: collector "${name}" not enabled or unknown\n`);
  }
  await app.close();
});

test('enable/disable/disableDefaults choose collectors; an unknown name is an error', () => {
  const table = [devicesCollector([]), throwing, optional];
  assert.deepEqual(new HostScraper({ collectors: table }).enabled, ['good', 'throwing']);
  assert.deepEqual(new HostScraper({ collectors: table, enable: ['optional'], disable: ['throwing'] }).enabled, ['good', 'optional']);
  assert.deepEqual(new HostScraper({ collectors: table, disableDefaults: true, enable: ['throwing'] }).enabled, ['throwing']);
  assert.throws(() => new HostScraper({ collectors: table, enable: ['cpuu'] }), { message: 'unknown collector "cpuu" (known: good, throwing, optional)' });
});

test('text and OpenMetrics by Accept, _total kept after an OpenMetrics scrape, gzip by Accept-Encoding, landing page', async () => {
  const app = buildExporterApp({ collectors: [devicesCollector(['a'])] });
  const accept = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
  const openMetrics = await app.inject({ url: '/metrics', headers: { accept } });
  assert.equal(openMetrics.headers['content-type'], 'application/openmetrics-text; version=1.0.0; charset=utf-8');
  assert.ok(openMetrics.body.includes('# TYPE test_good counter\ntest_good_total{device="a"} 1\n'), openMetrics.body);
  assert.ok(openMetrics.body.endsWith('# EOF\n'));
  const text = await app.inject({ url: '/metrics' });
  assert.equal(text.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  assert.ok(text.body.includes('# TYPE test_good_total counter\ntest_good_total{device="a"} 1\n'), text.body);
  assert.equal(parseExposition(text.body).get('process_cpu_seconds_total')?.type, 'counter');
  assert.ok(!text.body.includes('# EOF'));
  const zipped = await app.inject({ url: '/metrics', headers: { 'accept-encoding': 'gzip, deflate' } });
  assert.equal(zipped.headers['content-encoding'], 'gzip');
  assert.equal(sampleValue(gunzipSync(zipped.rawPayload).toString(), 'test_good_total', { device: 'a' }), 1);
  const landing = await app.inject({ url: '/' });
  assert.equal(landing.statusCode, 200);
  assert.match(landing.body, /<a href="\/metrics">Metrics<\/a>/);
  await app.close();
});

test('--web.disable-exporter-metrics leaves out process_* and promhttp_*', async () => {
  const app = buildExporterApp({ collectors: [devicesCollector(['a'])], exporterMetrics: false });
  const families = [...parseExposition((await app.inject({ url: '/metrics' })).body).keys()];
  assert.deepEqual(families.sort(), ['node_scrape_collector_duration_seconds', 'node_scrape_collector_success', 'test_good_total', 'test_level']);
  await app.close();
});

test('library: host collectors beside collectDefaultMetrics on a fresh Registry, both formats, unregister', async () => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const userCounter = new Counter({ name: 'app_requests_total', help: 'Requests.', registers: [registry] });
  userCounter.inc(3);
  const devices = ['a', 'b'];
  const handle = registerHostCollectors(registry, { collectors: [devicesCollector(devices), throwing] });
  await handle.ready;
  assert.deepEqual(handle.enabled, ['good', 'throwing']);

  // prom-client's own rendering works on the registry (a failing collector does not fail it).
  const own = await registry.metrics();
  assert.equal(sampleValue(own, 'test_good_total', { device: 'b' }), 2);
  assert.equal(sampleValue(own, 'node_scrape_collector_success', { collector: 'throwing' }), 0);
  assert.ok(sampleValue(own, 'process_cpu_user_seconds_total') !== undefined);
  assert.equal(sampleValue(own, 'app_requests_total'), 3);

  // Served by the plugin: OpenMetrics first, then text keeps the _total names.
  const app = Fastify();
  await app.register(metricsPlugin, { registry, exporterMetrics: false });
  const om = await app.inject({ url: '/metrics', headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
  assert.ok(om.body.includes('test_good_total{device="a"} 1\n'));
  assert.ok(om.body.includes('# TYPE app_requests counter\napp_requests_total 3\n'), om.body);
  const text = (await app.inject({ url: '/metrics' })).body;
  assert.ok(text.includes('# TYPE test_good_total counter\n'));
  assert.ok(text.includes('# TYPE app_requests_total counter\napp_requests_total 3\n'));
  assert.equal(sampleValue(text, 'test_good_total', { device: 'b' }), 2);
  const heap = parseExposition(text).get('nodejs_heap_space_size_used_bytes');
  assert.ok(heap !== undefined && heap.samples.length > 0);

  // A vanished series leaves the registry's output too.
  devices.pop();
  assert.equal(sampleValue(await registry.metrics(), 'test_good_total', { device: 'b' }), undefined);

  handle.unregister();
  const after = await registry.metrics();
  assert.ok(!after.includes('test_good_total') && !after.includes('node_scrape_collector_success'));
  assert.equal(sampleValue(after, 'app_requests_total'), 3);
  await app.close();
});

test('collect[] on a plugin without host collectors is a 400', async () => {
  const app = Fastify();
  await app.register(metricsPlugin, { registry: new Registry() });
  const response = await app.inject({ url: '/metrics?collect[]=cpu' });
  assert.equal(response.statusCode, 400);
  await app.close();
});

test('registerHostCollectors: textfile histograms and summaries keep their bucket, quantile, _sum and _count lines on a prom-client registry', async () => {
  const registry = new Registry();
  const handle = registerHostCollectors(registry, {
    disableDefaults: true,
    enable: ['textfile'],
    collectorOptions: { textfile: { directory: join(FIXTURES, 'textfile-distributions'), maxBytes: 1024 * 1024 } },
  });
  await handle.ready;
  const text = await registry.metrics();
  assert.match(text, /^panel_request_duration_seconds_bucket\{route="\/login",le="0\.1"\} 3$/m);
  assert.match(text, /^panel_request_duration_seconds_bucket\{route="\/login",le="\+Inf"\} 9$/m);
  assert.match(text, /^panel_request_duration_seconds_count\{route="\/login"\} 9$/m);
  assert.match(text, /^panel_backup_size_bytes\{quantile="0\.99"\} 3000000000$/m);
  assert.match(text, /^panel_backup_size_bytes_sum 42000000000$/m);
  handle.unregister();
});
