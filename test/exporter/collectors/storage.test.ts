import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mdadmCollector } from '../../../exporter/collectors/mdadm.js';
import { NoDataError } from '../../../exporter/types.js';
import { createCollector, expected, scrape } from './fixture.js';
import { procTree } from './proc-tree.js';

const cases = [
  [mdadmCollector, 'mdadm.prom'],
] as const;

for (const [definition, file] of cases) {
  test(`${definition.name} renders the fixture as expected/${file}`, async () => {
    assert.equal(await scrape(createCollector(definition)), expected(file));
  });
}

test('mdadm: no /proc/mdstat (md driver not loaded) means no data', async (t) => {
  await assert.rejects(scrape(createCollector(mdadmCollector, { paths: procTree(t, { stat: '' }) })), NoDataError);
});
