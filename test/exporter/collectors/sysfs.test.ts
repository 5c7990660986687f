import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CollectorDefinition } from '../../../exporter/types.js';
import { defineNetclassCollector, netclassCollector, netclassDefaults } from '../../../exporter/collectors/netclass.js';
import { createCollector, expected, scrape } from './fixture.js';

const cases: [CollectorDefinition, string][] = [[netclassCollector, 'netclass.prom']];

for (const [definition, file] of cases) {
  test(`${definition.name} renders the fixture as expected/${file}`, async () => {
    assert.equal(await scrape(createCollector(definition)), expected(file));
  });
}

test('netclass: ignored devices are skipped, and an unknown speed (-1) is dropped only with ignore-invalid-speed', async () => {
  const text = await scrape(
    createCollector(defineNetclassCollector({ ...netclassDefaults, ignoredDevices: /^(lo|ifb\d+)$/, ignoreInvalidSpeed: true })),
  );
  assert.doesNotMatch(text, /device="(lo|ifb0)"/);
  assert.match(text, /^node_network_up\{device="eth0"\} 1$/m);
  assert.match(text, /^node_network_speed_bytes\{device="bond0"\} 2500000000$/m);
  assert.doesNotMatch(text, /node_network_speed_bytes\{device="eth0"\}/);
  assert.match(expected('netclass.prom'), /^node_network_speed_bytes\{device="eth0"\} -125000$/m);
});
