import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuCollector } from '../../../exporter/collectors/cpu.js';
import { diskstatsCollector } from '../../../exporter/collectors/diskstats.js';
import { loadavgCollector } from '../../../exporter/collectors/loadavg.js';
import { meminfoCollector } from '../../../exporter/collectors/meminfo.js';
import { netdevCollector } from '../../../exporter/collectors/netdev.js';
import { pressureCollector } from '../../../exporter/collectors/pressure.js';
import { statCollector } from '../../../exporter/collectors/stat.js';
import { vmstatCollector } from '../../../exporter/collectors/vmstat.js';
import { createCollector, expected, fixtureOptions, scrape } from './fixture.js';

const cases = [
  [loadavgCollector, 'loadavg.prom'],
  [statCollector, 'stat.prom'],
  [meminfoCollector, 'meminfo.prom'],
  [cpuCollector, 'cpu.prom'],
  [diskstatsCollector, 'diskstats.prom'],
  [netdevCollector, 'netdev.prom'],
  [vmstatCollector, 'vmstat.prom'],
  [pressureCollector, 'pressure.prom'],
] as const;

for (const [definition, file] of cases) {
  test(`${definition.name} renders the fixture as expected/${file}`, async () => {
    assert.equal(await scrape(createCollector(definition)), expected(file));
  });
}

test('stat with --collector.stat.softirq adds node_softirqs_total per vector', async () => {
  const options = fixtureOptions();
  options.stat.softirq = true;
  assert.equal(await scrape(createCollector(statCollector, { options })), expected('stat-softirq.prom'));
});
