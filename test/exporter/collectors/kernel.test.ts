import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entropyCollector } from '../../../exporter/collectors/entropy.js';
import { filefdCollector } from '../../../exporter/collectors/filefd.js';
import { createCollector, expected, scrape } from './fixture.js';

const cases = [
  [filefdCollector, 'filefd.prom'],
  [entropyCollector, 'entropy.prom'],
] as const;

for (const [definition, file] of cases) {
  test(`${definition.name} renders the fixture as expected/${file}`, async () => {
    assert.equal(await scrape(createCollector(definition)), expected(file));
  });
}
