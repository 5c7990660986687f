import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeSyntheticTree } from '../../../bench/sysfs-tree.js';
import { hwmonCollector } from '../../../exporter/collectors/hwmon.js';
import { netclassCollector } from '../../../exporter/collectors/netclass.js';
import { createCollector, fixturePaths, scrapeFamilies } from '../collectors/fixture.js';

test('the synthetic tree has the disks, interfaces and hwmon sensors asked for, readable by the collectors', async (t) => {
  const tree = await writeSyntheticTree({ disks: 30, interfaces: 5, hwmonSensors: 25 });
  t.after(() => rm(tree.root, { recursive: true, force: true }));
  const disks = readFileSync(join(tree.procfs, 'diskstats'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[2]);
  assert.deepEqual([disks.length, disks[0], disks[25], disks[26], disks[29]], [30, 'sda', 'sdz', 'sdaa', 'sdad']);

  const paths = { ...fixturePaths, procfs: tree.procfs, sysfs: tree.sysfs };
  const network = await scrapeFamilies(createCollector(netclassCollector, { paths }));
  assert.deepEqual(
    network.byName.get('node_network_up')?.samples.map((sample) => sample.labelValues[0]),
    ['eth0', 'eth1', 'eth2', 'eth3', 'lo'],
  );
  const sensors = await scrapeFamilies(createCollector(hwmonCollector, { paths }));
  assert.equal(sensors.byName.get('node_hwmon_sensor_label')?.samples.length, 25);
  assert.deepEqual(
    sensors.byName.get('node_hwmon_chip_names')?.samples.map((sample) => sample.labelValues[0]),
    ['platform_nct6775_656', 'platform_nct6775_657'],
  );
});
