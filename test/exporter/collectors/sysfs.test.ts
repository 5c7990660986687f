import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { cp, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileRegex } from '../../../common/regex.js';
import { promisify } from 'node:util';
import { ThreadedSysfsReader } from '../../../exporter/sysfs/read.js';
import { hwmonCollector } from '../../../exporter/collectors/hwmon.js';
import { netclassCollector } from '../../../exporter/collectors/netclass.js';
import { raplCollector } from '../../../exporter/collectors/rapl.js';
import { createCollector, expected, fixtureOptions, fixturePaths, scrape } from './fixture.js';
import { SYSFS_CASES } from './sysfs-cases.js';

for (const [definition, file] of SYSFS_CASES) {
  test(`${definition.name} renders the fixture as expected/${file}`, async () => {
    assert.equal((await scrape(createCollector(definition))).replaceAll(fixturePaths.sysfs, '/sys'), expected(file));
  });
}

test('netclass: ignored devices are skipped, and an unknown speed (-1) is dropped only with ignore-invalid-speed', async () => {
  const options = fixtureOptions();
  options.netclass = { ...options.netclass, ignoredDevices: compileRegex('^(lo|ifb\\d+)$'), ignoreInvalidSpeed: true };
  const text = await scrape(createCollector(netclassCollector, { options }));
  assert.doesNotMatch(text, /device="(lo|ifb0)"/);
  assert.match(text, /^node_network_up\{device="eth0"\} 1$/m);
  assert.match(text, /^node_network_speed_bytes\{device="bond0"\} 2500000000$/m);
  assert.doesNotMatch(text, /node_network_speed_bytes\{device="eth0"\}/);
  assert.match(expected('netclass.prom'), /^node_network_speed_bytes\{device="eth0"\} -125000$/m);
});

test('hwmon: chip and sensor filters apply together, the sensor filter to "<chip>;<sensor>"', async () => {
  const options = fixtureOptions();
  options.hwmon = { chipExclude: compileRegex('^acpitz$'), sensorInclude: compileRegex('^platform_coretemp_0;temp1$|^i2c'), sensorExclude: compileRegex(';fan1$') };
  const text = await scrape(createCollector(hwmonCollector, { options }));
  assert.doesNotMatch(text, /chip="acpitz"|chip="hwmon3"|sensor="temp2"|sensor="fan1"/);
  assert.match(text, /^node_hwmon_temp_celsius\{chip="platform_coretemp_0",sensor="temp1"\} 55$/m);
  assert.match(text, /^node_hwmon_in_volts\{chip="i2c_0_0_002d",sensor="in0"\} 1.04$/m);
});

test('hwmon: a sensor whose read blocks is left out after the bound; the other sensors are reported', async (t) => {
  const sys = await mkdtemp(join(tmpdir(), 'platypus-hwmon-'));
  await cp(fixturePaths.sysfs, sys, { recursive: true, verbatimSymlinks: true });
  const fifo = join(sys, 'class/hwmon/hwmon0/temp2_input');
  await rm(fifo);
  await promisify(execFile)('mkfifo', [fifo]);
  const reader = new ThreadedSysfsReader({ timeoutMs: 100 });
  t.after(async () => {
    const writer = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    await writer.close();
    await reader.close();
    await rm(sys, { recursive: true, force: true });
  });

  const options = fixtureOptions();
  options.hwmon.reader = reader;
  const collector = createCollector(hwmonCollector, { paths: { ...fixturePaths, sysfs: sys }, options });
  const text = await scrape(collector);
  assert.match(text, /^node_hwmon_temp_celsius\{chip="platform_coretemp_0",sensor="temp1"\} 55$/m);
  assert.match(text, /^node_hwmon_temp_crit_celsius\{chip="platform_coretemp_0",sensor="temp2"\} 100$/m);
  assert.doesNotMatch(text, /node_hwmon_temp_celsius\{chip="platform_coretemp_0",sensor="temp2"\}/);
  assert.deepEqual(reader.stuckPaths(), [fifo]);
  // The next scrape does not wait for the stuck file again.
  assert.equal(await scrape(collector), text);
});

test('rapl: with the zone label, every zone is one family', async () => {
  const options = fixtureOptions();
  options.rapl.enableZoneLabel = true;
  const text = await scrape(createCollector(raplCollector, { options }));
  assert.match(text, /^node_rapl_joules_total\{index="1",path="[^"]+\/class\/powercap\/intel-rapl:1:0",rapl_zone="core"\} 0.7$/m);
  assert.doesNotMatch(text, /node_rapl_core_joules_total/);
});
