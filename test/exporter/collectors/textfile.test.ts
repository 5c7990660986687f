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

function collectorFor(directory: string | undefined, logged?: string[]) {
  const options = fixtureOptions();
  options.textfile.directory = directory;
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
