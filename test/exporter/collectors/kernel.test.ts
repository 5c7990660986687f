import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entropyCollector } from '../../../exporter/collectors/entropy.js';
import { schedstatCollector } from '../../../exporter/collectors/schedstat.js';
import { filefdCollector } from '../../../exporter/collectors/filefd.js';
import { NoDataError } from '../../../exporter/types.js';
import { createCollector, expected, scrape } from './fixture.js';
import { procTree } from './proc-tree.js';

const cases = [
  [filefdCollector, 'filefd.prom'],
  [entropyCollector, 'entropy.prom'],
  [schedstatCollector, 'schedstat.prom'],
] as const;

for (const [definition, file] of cases) {
  test(`${definition.name} renders the fixture as expected/${file}`, async () => {
    assert.equal(await scrape(createCollector(definition)), expected(file));
  });
}

test('schedstat: a kernel without CONFIG_SCHEDSTATS means no data (success 0), not an error', async (t) => {
  const paths = procTree(t, { stat: '' });
  await assert.rejects(scrape(createCollector(schedstatCollector, { paths })), NoDataError);
});
