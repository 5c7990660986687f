import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLogger } from '../../common/logging.js';
import { buildExporterApp } from '../../exporter/app.js';
import { parseExposition, sampleValue } from '../helpers/exposition.js';
import { fixtureOptions, fixturePaths } from './collectors/fixture.js';

test('textfile clash: a built-in family (node_load1) and process_* win over a textfile, the clash is logged and counted, other files kept', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'platypus-textfile-clash-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'a.prom'), '# HELP node_load1 Not the load.\n# TYPE node_load1 gauge\nnode_load1 99\nprocess_cpu_seconds_total 1e9\npanel_up 1\n');
  await writeFile(join(dir, 'b.prom'), 'panel_players 12\n');
  const logged: string[] = [];
  const logger = createLogger({ level: 'info', format: 'json', destination: { write: (line: string) => void logged.push(line) } as unknown as NodeJS.WritableStream });
  const collectorOptions = fixtureOptions();
  collectorOptions.textfile.directory = dir;
  const app = buildExporterApp({ paths: fixturePaths, disableDefaults: true, enable: ['loadavg', 'textfile'], collectorOptions, logger });
  t.after(() => app.close());

  for (const scrapeNumber of [1, 2]) {
    const text = (await app.inject('/metrics')).body;
    const families = parseExposition(text);
    assert.deepEqual(families.get('node_load1')?.samples.map((sample) => sample.value), [0]);
    assert.equal(families.get('node_load1')?.help, '1m load average.');
    assert.equal(families.get('process_cpu_seconds_total')?.samples.length, 1);
    assert.ok((sampleValue(text, 'process_cpu_seconds_total') ?? Infinity) < 1e9);
    assert.equal(sampleValue(text, 'panel_up'), 1);
    assert.equal(sampleValue(text, 'panel_players'), 12);
    assert.equal(sampleValue(text, 'node_scrape_collector_success', { collector: 'textfile' }), 1);
    assert.equal(sampleValue(text, 'node_textfile_scrape_error'), 1);
    assert.equal(sampleValue(text, 'promhttp_metric_handler_errors_total', { cause: 'gathering' }), scrapeNumber);
  }
  assert.match(logged.join(''), /"collector":"textfile".*"family":"node_load1".*already reported by another collector/);
  assert.match(logged.join(''), /"family":"process_cpu_seconds_total".*exporter reports about itself/);
});
