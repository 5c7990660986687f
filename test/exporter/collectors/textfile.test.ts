import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { textfileCollector } from '../../../exporter/collectors/textfile.js';
import { createLogger } from '../../../common/logging.js';
import { sampleValue } from '../../helpers/exposition.js';
import { FIXTURES, createCollector, expected, fixtureOptions, scrape } from './fixture.js';

async function textfileDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'platypus-textfile-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await cp(join(FIXTURES, 'textfile'), dir, { recursive: true });
  await utimes(join(dir, 'good.prom'), 1700000000, 1700000000);
  await utimes(join(dir, 'more.prom'), 1700000100, 1700000100.5);
  return dir;
}

function collectorFor(directory: string | undefined, logged?: string[], maxBytes?: number) {
  const options = fixtureOptions();
  options.textfile.directory = directory;
  if (maxBytes !== undefined) options.textfile.maxBytes = maxBytes;
  const logger = createLogger({
    level: 'debug',
    format: 'json',
    destination: { write: (line: string) => void logged?.push(line) } as unknown as NodeJS.WritableStream,
  });
  return createCollector(textfileCollector, { options, logger });
}

test('textfile: *.prom files merged, the bad file skipped with scrape_error 1 and logged by name', async (t) => {
  const dir = await textfileDir(t);
  const logged: string[] = [];
  const text = await scrape(collectorFor(dir, logged));
  assert.equal(text, expected('textfile.prom').replaceAll('{{dir}}', dir));
  assert.equal(logged.length, 1);
  assert.match(logged[0] ?? '', /bad\.prom/);
  assert.match(logged[0] ?? '', /bad\.prom line 2: expected \\?",\\?" or \\?"}\\?" after label server/);
});

test('textfile: without bad files scrape_error is 0; a removed file vanishes; a conflicting file adds nothing', async (t) => {
  const dir = await textfileDir(t);
  await rm(join(dir, 'bad.prom'));
  const collector = collectorFor(dir);
  const first = await scrape(collector);
  assert.equal(sampleValue(first, 'node_textfile_scrape_error'), 0);

  await rm(join(dir, 'more.prom'));
  // Sorted after good.prom: its gauge clashes with good.prom's untyped panel_restarts_total, so none of it is taken.
  await writeFile(join(dir, 'zz.prom'), 'panel_new 1\n# TYPE panel_restarts_total gauge\npanel_restarts_total 5\n');
  const second = await scrape(collector);
  assert.equal(sampleValue(second, 'node_textfile_scrape_error'), 1);
  assert.equal(sampleValue(second, 'panel_players', { server: 'gamma', region: 'eu' }), undefined);
  assert.equal(sampleValue(second, 'panel_new'), undefined);
  assert.equal(sampleValue(second, 'panel_restarts_total'), 4);
  assert.doesNotMatch(second, /more\.prom|zz\.prom/);
});

test('textfile: a missing directory is a scrape error, no directory configured is not', async () => {
  assert.equal(sampleValue(await scrape(collectorFor('/nonexistent/platypus-textfile')), 'node_textfile_scrape_error'), 1);
  assert.equal(await scrape(collectorFor(undefined)), expected('textfile-none.prom'));
});

test('textfile: an empty HELP line gets the default help instead of failing the collector', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'platypus-textfile-help-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'a.prom'), '# HELP panel_up\n# TYPE panel_up gauge\npanel_up 1\n');
  const text = await scrape(collectorFor(dir));
  assert.match(text, new RegExp(`^# HELP panel_up Metric read from ${join(dir, 'a.prom')}$`, 'm'));
  assert.equal(sampleValue(text, 'panel_up'), 1);
  assert.equal(sampleValue(text, 'node_textfile_scrape_error'), 0);
});

async function emptyDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'platypus-textfile-hostile-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('textfile: a file over the per-scrape byte limit is skipped and logged, the files that fit are kept', async (t) => {
  const dir = await emptyDir(t);
  const good = 'panel_up{server="a"} 1\n';
  await writeFile(join(dir, 'a-good.prom'), good);
  // Fits the limit on its own, not after a-good.prom: the limit is per scrape, not per file.
  await writeFile(join(dir, 'b-big.prom'), `# ${'x'.repeat(1000)}\npanel_big 1\n`);
  await writeFile(join(dir, 'c-small.prom'), 'panel_small 2\n');
  const logged: string[] = [];
  const text = await scrape(collectorFor(dir, logged, 1000));
  assert.equal(sampleValue(text, 'panel_up', { server: 'a' }), 1);
  assert.equal(sampleValue(text, 'panel_small'), 2);
  assert.equal(sampleValue(text, 'panel_big'), undefined);
  assert.equal(sampleValue(text, 'node_textfile_scrape_error'), 1);
  assert.doesNotMatch(text, /b-big\.prom/);
  assert.equal(logged.length, 1);
  assert.match(logged[0] ?? '', /b-big\.prom.*over the textfile byte limit/);
});

test('textfile: invalid UTF-8 fails its file only', async (t) => {
  const dir = await emptyDir(t);
  await writeFile(join(dir, 'a.prom'), Buffer.concat([Buffer.from('panel_bad{name="'), Buffer.from([0xff, 0xfe]), Buffer.from('"} 1\n')]));
  await writeFile(join(dir, 'b.prom'), 'panel_fine 1\n');
  const logged: string[] = [];
  const text = await scrape(collectorFor(dir, logged));
  assert.equal(sampleValue(text, 'panel_fine'), 1);
  assert.doesNotMatch(text, /panel_bad/);
  assert.equal(sampleValue(text, 'node_textfile_scrape_error'), 1);
  assert.match(logged.join(''), /a\.prom: invalid UTF-8/);
});

test('textfile: the exporter\'s own families are dropped from a file (logged, scrape_error 1), the rest of it kept', async (t) => {
  const dir = await emptyDir(t);
  await writeFile(
    join(dir, 'a.prom'),
    '# TYPE node_textfile_scrape_error counter\nnode_textfile_scrape_error 7\nprocess_cpu_seconds_total 99\npromhttp_metric_handler_requests_total{code="200"} 5\n' +
      'node_scrape_collector_success{collector="cpu"} 0\npanel_up 1\n',
  );
  const logged: string[] = [];
  const text = await scrape(collectorFor(dir, logged));
  assert.equal(sampleValue(text, 'panel_up'), 1);
  assert.doesNotMatch(text, /process_cpu|promhttp|node_scrape_collector/);
  assert.equal(text.match(/^node_textfile_scrape_error /gm)?.length, 1);
  assert.equal(sampleValue(text, 'node_textfile_scrape_error'), 1);
  assert.equal(logged.length, 4);
  for (const family of ['node_textfile_scrape_error', 'process_cpu_seconds_total', 'promhttp_metric_handler_requests_total', 'node_scrape_collector_success']) {
    assert.match(logged.join(''), new RegExp(`"family":"${family}"`));
  }
});

test('textfile: histograms and summaries are exported as node_exporter exports them', async (t) => {
  const dir = await emptyDir(t);
  await cp(join(FIXTURES, 'textfile-distributions'), dir, { recursive: true });
  const text = await scrape(collectorFor(dir));
  const families = text.replace(/^node_textfile_mtime_seconds\{.*\n/m, '');
  assert.equal(
    families.slice(families.indexOf('# HELP panel_request')),
    [
      '# HELP panel_request_duration_seconds Time the panel took to answer.',
      '# TYPE panel_request_duration_seconds histogram',
      'panel_request_duration_seconds_bucket{route="/login",le="0.1"} 3',
      'panel_request_duration_seconds_bucket{route="/login",le="0.5"} 7',
      'panel_request_duration_seconds_bucket{route="/login",le="+Inf"} 9',
      'panel_request_duration_seconds_sum{route="/login"} 2.5',
      'panel_request_duration_seconds_count{route="/login"} 9',
      '# HELP panel_backup_size_bytes Size of the nightly backups.',
      '# TYPE panel_backup_size_bytes summary',
      'panel_backup_size_bytes{quantile="0.5"} 1200000000',
      'panel_backup_size_bytes{quantile="0.99"} 3000000000',
      'panel_backup_size_bytes_sum 42000000000',
      'panel_backup_size_bytes_count 30',
      '# HELP node_textfile_scrape_error 1 if there was an error opening or reading a file, 0 otherwise',
      '# TYPE node_textfile_scrape_error gauge',
      'node_textfile_scrape_error 0',
      '',
    ].join('\n'),
  );
});
