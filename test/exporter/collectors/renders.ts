/** One test per collector: its output on the fixture tree is exactly test/fixtures/exporter/expected/<file>. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CollectorDefinition } from '../../../exporter/types.js';
import { createCollector, expected, scrape } from './fixture.js';

export function testRendersFixture(cases: readonly (readonly [CollectorDefinition, string])[]): void {
  for (const [definition, file] of cases) {
    test(`${definition.name} renders the fixture as expected/${file}`, async () => {
      assert.equal(await scrape(createCollector(definition)), expected(file));
    });
  }
}
