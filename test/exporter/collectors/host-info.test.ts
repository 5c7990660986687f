import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { machine, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MetricFamilies, renderText } from '../../../common/metrics.js';
import { osCollector, supportEndSeconds } from '../../../exporter/collectors/os.js';
import { localZoneFile, timeCollector } from '../../../exporter/collectors/time.js';
import { unameCollector } from '../../../exporter/collectors/uname.js';
import { sampleValue } from '../../helpers/exposition.js';
import { FIXTURES, createCollector, expected, fixturePaths, scrape, scrapeFamilies } from './fixture.js';

test('uname: the uname(2) fields from /proc/sys/kernel', async () => {
  assert.equal(await scrape(createCollector(unameCollector)), expected('uname.prom').replace('{{machine}}', machine()));
});

test('os: node_os_info, node_os_version and node_os_support_end_timestamp_seconds from <rootfs>/etc/os-release', async () => {
  assert.equal(await scrape(createCollector(osCollector)), expected('os.prom'));
});

test('os: SUPPORT_END is a YYYY-MM-DD date at UTC midnight, anything else an error naming the file', () => {
  assert.equal(supportEndSeconds('2028-06-30', 'os-release'), 1845936000);
  for (const bad of ['2028-6-30', '2028-02-30', '30.06.2028', '2028-06-30T00:00:00Z']) {
    assert.throws(() => supportEndSeconds(bad, 'os-release'), /os-release: SUPPORT_END ".*" is not a YYYY-MM-DD date/);
  }
});

test('os: falls back to <rootfs>/usr/lib/os-release, and fails naming both files when neither exists', async () => {
  const text = await scrape(createCollector(osCollector, { paths: { ...fixturePaths, rootfs: join(FIXTURES, 'rootfs-usrlib') } }));
  assert.equal(sampleValue(text, 'node_os_version', { id: 'ubuntu', id_like: 'debian', name: 'Ubuntu' }), 22.04);
  assert.equal(sampleValue(text, 'node_os_info', { pretty_name: 'Ubuntu 22.04.3 LTS', version_codename: 'jammy', variant: '' }), 1);
  const missing = createCollector(osCollector, { paths: { ...fixturePaths, rootfs: join(FIXTURES, 'textfile') } });
  await assert.rejects(scrape(missing), /no os-release file: tried .*textfile\/etc\/os-release and .*textfile\/usr\/lib\/os-release/);
});

test('os: parsed again only when os-release changes (node_exporter keys it on the modification time)', async () => {
  const rootfs = await mkdtemp(join(tmpdir(), 'platypus-os-'));
  try {
    await mkdir(join(rootfs, 'etc'));
    const file = join(rootfs, 'etc', 'os-release');
    await writeFile(file, 'ID=debian\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n');
    const collector = createCollector(osCollector, { paths: { ...fixturePaths, rootfs } });
    const version = async () => sampleValue(await scrape(collector), 'node_os_version', { id: 'debian', id_like: '', name: 'Debian GNU/Linux' });
    assert.equal(await version(), 12);
    assert.equal(await version(), 12);
    await writeFile(file, 'ID=debian\nNAME="Debian GNU/Linux"\nVERSION_ID="13.1"\n');
    assert.equal(await version(), 13.1);
    await rm(file);
    await assert.rejects(scrape(collector), /no os-release file/);
  } finally {
    await rm(rootfs, { recursive: true, force: true });
  }
});

test('time: clock, zone offset and the clocksources from sysfs', async () => {
  const before = Date.now() / 1000;
  const families = await scrapeFamilies(createCollector(timeCollector));
  const after = Date.now() / 1000;
  const now = families.byName.get('node_time_seconds')?.samples[0]?.value ?? 0;
  assert.ok(now >= before && now <= after, `node_time_seconds ${now} not within [${before}, ${after}]`);
  assert.equal(families.byName.get('node_time_zone_offset_seconds')?.samples[0]?.value, 0 - new Date().getTimezoneOffset() * 60);
  const clocksources = new MetricFamilies();
  for (const family of families.families()) {
    if (family.desc.name.startsWith('node_time_clocksource')) for (const s of family.samples) clocksources.add(family.desc, s.value, s.labelValues);
  }
  assert.equal(renderText(clocksources.families()), expected('time-clocksource.prom'));
});

test('time: no clocksource directory (a container without sysfs) still gives the clock', async () => {
  const families = await scrapeFamilies(createCollector(timeCollector, { paths: { ...fixturePaths, sysfs: join(FIXTURES, 'nonexistent') } }));
  assert.deepEqual([...families.byName.keys()], ['node_time_seconds', 'node_time_zone_offset_seconds']);
});

test('time: the zone name is found as Go finds it, from $TZ or /etc/localtime', async () => {
  assert.equal(localZoneFile(undefined), '/etc/localtime');
  assert.equal(localZoneFile(''), undefined);
  assert.equal(localZoneFile(':Europe/Berlin'), '/usr/share/zoneinfo/Europe/Berlin');
  assert.equal(localZoneFile('/opt/zones/Berlin'), '/opt/zones/Berlin');
  const saved = process.env.TZ;
  try {
    for (const tz of ['UTC', '']) {
      process.env.TZ = tz;
      const families = await scrapeFamilies(createCollector(timeCollector));
      assert.deepEqual(families.byName.get('node_time_zone_offset_seconds')?.samples, [{ labelValues: ['UTC'], value: 0 }], `TZ=${tz}`);
    }
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});
