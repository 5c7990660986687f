import assert from 'node:assert/strict';
import { readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';
import { test } from 'node:test';
import { fallbackCollectorsFor, realHost, SingleFlight } from '../../../exporter/fallback/index.js';
import { parseOsRelease } from '../../../exporter/formats/os-release.js';
import { NoDataError, type CollectorDefinition } from '../../../exporter/types.js';
import { parseExposition, sampleValue } from '../../helpers/exposition.js';
import { fakeHost, FALLBACK_FIXTURES, type FakeHost } from './fallback-host.js';
import { createCollector, fixtureOptions, scrape } from './fixture.js';
import { compileRegex } from '../../../common/regex.js';

test('SingleFlight: one call shared by concurrent callers, cached, and a slow call is not started twice', async () => {
  let calls = 0;
  let release: ((value: number) => void) | undefined;
  const flight = new SingleFlight(() => {
    calls++;
    return new Promise<number>((resolve) => (release = resolve));
  }, 60_000, 30);
  await assert.rejects(flight.get(), /did not answer within 30 ms/);
  await assert.rejects(flight.get(), /did not answer within 30 ms/);
  assert.equal(calls, 1);
  const both = Promise.all([flight.get(), flight.get()]);
  release?.(42);
  assert.deepEqual(await both, [42, 42]);
  assert.equal(await flight.get(), 42);
  assert.equal(calls, 1);
});

test('SingleFlight: a failed call is retried by the next caller', async () => {
  let calls = 0;
  const flight = new SingleFlight(async () => {
    calls++;
    if (calls === 1) throw new Error('first call fails');
    return 'ok';
  }, 60_000, 1000);
  await assert.rejects(flight.get(), /first call fails/);
  assert.equal(await flight.get(), 'ok');
});

test('SingleFlight: a stale answer is served at once while a fresh call runs, until it is too old', async () => {
  const answers: Array<(value: number) => void> = [];
  const flight = new SingleFlight(() => new Promise<number>((resolve) => answers.push(resolve)), 0, 1000, 60_000);
  const first = flight.get();
  answers[0]?.(1);
  assert.equal(await first, 1);
  assert.equal(await flight.get(), 1, 'stale, served while the next call runs');
  assert.equal(answers.length, 2);
  assert.equal(await flight.get(), 1, 'the running call is not started twice');
  assert.equal(answers.length, 2);
  answers[1]?.(2);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(await flight.get(), 2);

  const strict = new SingleFlight(() => new Promise<number>((resolve) => answers.push(resolve)), 0, 30);
  const waited = strict.get();
  answers[3]?.(3);
  assert.equal(await waited, 3);
  await assert.rejects(strict.get(), /did not answer within 30 ms/, 'without maxStaleMs an old answer is never served');
});

const byName = (collectors: readonly CollectorDefinition[], name: string): CollectorDefinition => {
  const definition = collectors.find((c) => c.name === name);
  assert.ok(definition, name);
  return definition;
};

/** Every fallback collector of `host`, run once in name order; a collector with no data shows as a comment. */
async function scrapeAll(host: FakeHost): Promise<string> {
  const parts: string[] = [];
  for (const definition of fallbackCollectorsFor(host)) {
    try {
      parts.push(await scrape(createCollector(definition)));
    } catch (error) {
      assert.ok(error instanceof NoDataError, `${definition.name}: ${String(error)}`);
      parts.push(`# ${definition.name}: no data: ${error.message}\n`);
    }
  }
  return parts.join('');
}

for (const platform of ['darwin', 'win32']) {
  test(`fallback on ${platform}: exact exposition from fixture os and systeminformation answers`, async () => {
    const expected = readFileSync(new URL(`${platform}.prom`, FALLBACK_FIXTURES), 'utf8');
    assert.equal(await scrapeAll(fakeHost(platform)), expected);
  });
}

test('fallback: one systeminformation call per answer age, shared by scrapes close together', async () => {
  const host = fakeHost('darwin');
  const netdev = createCollector(byName(fallbackCollectorsFor(host), 'netdev'));
  await Promise.all([scrape(netdev), scrape(netdev)]);
  await scrape(netdev);
  assert.equal(host.calls.get('networkStats'), 1);
});

test('fallback: empty or zero answers are no data, not false zeros', async () => {
  const host = fakeHost('darwin');
  host.fixture.si.mem.total = 0;
  host.fixture.si.fsSize = [];
  host.fixture.si.networkStats = [];
  host.fixture.si.fsStats = { ...host.fixture.si.fsStats!, rx: 0, wx: 0 };
  host.fixture.si.disksIO = null;
  host.fixture.si.osInfo.distro = '';
  host.fixture.os.cpus = [];
  host.fixture.os.uptime = 0;
  const collectors = fallbackCollectorsFor(host);
  for (const name of ['meminfo', 'filesystem', 'netdev', 'diskstats', 'os', 'cpu', 'boottime']) {
    await assert.rejects(scrape(createCollector(byName(collectors, name))), NoDataError, name);
  }
});

test('fallback: boot time holds still while now minus uptime only wobbles, and moves on a reboot', async () => {
  const host = fakeHost('darwin');
  const boottime = createCollector(byName(fallbackCollectorsFor(host), 'boottime'));
  const first = sampleValue(await scrape(boottime), 'node_boot_time_seconds');
  assert.equal(first, 1764613600.5);
  host.nowMs += 900;
  assert.equal(sampleValue(await scrape(boottime), 'node_boot_time_seconds'), first);
  host.fixture.os.uptime = 10;
  assert.equal(sampleValue(await scrape(boottime), 'node_boot_time_seconds'), 1764699991.4);
});

test('fallback: CPU seconds are the counters os.cpus() holds, growing as they do', async () => {
  const host = fakeHost('darwin');
  const cpu = createCollector(byName(fallbackCollectorsFor(host), 'cpu'));
  assert.equal(sampleValue(await scrape(cpu), 'node_cpu_seconds_total', { cpu: '0', mode: 'idle' }), 9876.54);
  host.fixture.os.cpus[0]!.times.idle += 2500;
  assert.equal(sampleValue(await scrape(cpu), 'node_cpu_seconds_total', { cpu: '0', mode: 'idle' }), 9879.04);
});

// The real systeminformation on this Linux machine, as `--collector.fallback` runs it.
const real = fallbackCollectorsFor(realHost);

test('fallback on this machine: memory, filesystems, CPU, load and uname agree with the kernel', async () => {
  const memory = await scrape(createCollector(byName(real, 'meminfo')));
  assert.equal(sampleValue(memory, 'node_memory_MemTotal_bytes'), os.totalmem());

  const everything = fixtureOptions();
  everything.filesystem.mountPointsExclude = compileRegex('^$');
  everything.filesystem.fsTypesExclude = compileRegex('^$');
  const filesystems = parseExposition(await scrape(createCollector(byName(real, 'filesystem'), { options: everything })));
  const root = filesystems.get('node_filesystem_size_bytes')?.samples.find((s) => s.labels.mountpoint === '/');
  const statfs = statfsSync('/');
  // df reports whole KiB.
  assert.ok(root !== undefined && Math.abs(root.value - statfs.blocks * statfs.bsize) < 1024, `size of / ${root?.value} vs ${statfs.blocks * statfs.bsize}`);

  const cpu = parseExposition(await scrape(createCollector(byName(real, 'cpu'))));
  assert.equal(cpu.get('node_cpu_seconds_total')?.samples.filter((s) => s.labels.mode === 'idle').length, os.cpus().length);

  const load = await scrape(createCollector(byName(real, 'loadavg')));
  assert.notEqual(sampleValue(load, 'node_load1'), undefined);

  const uname = await scrape(createCollector(byName(real, 'uname')));
  assert.equal(sampleValue(uname, 'node_uname_info', { nodename: os.hostname(), release: os.release(), sysname: os.type(), machine: os.machine() }), 1);
});

test('fallback on this machine: node_os_info and node_os_version agree with its os-release', async () => {
  const release = parseOsRelease(readFileSync('/etc/os-release', 'utf8'));
  const text = await scrape(createCollector(byName(real, 'os')));
  assert.equal(sampleValue(text, 'node_os_info', { id: 'linux', name: release.get('NAME') ?? '', version_id: release.get('VERSION_ID') ?? '' }), 1);
  const version = parseExposition(text).get('node_os_version')?.samples[0]?.value;
  assert.equal(version, Number(/^\d+(\.\d+)?/.exec(release.get('VERSION_ID') ?? '')?.[0]));
});
