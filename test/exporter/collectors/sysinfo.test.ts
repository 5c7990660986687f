import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import {
  SingleFlight,
  sysinfoFilesystemCollector,
  sysinfoLoadavgCollector,
  sysinfoMeminfoCollector,
  sysinfoOsCollector,
  sysinfoUnameCollector,
} from '../../../exporter/collectors/sysinfo.js';
import { readFileSync, statfsSync } from 'node:fs';
import { parseOsRelease } from '../../../exporter/formats/os-release.js';
import { parseExposition, sampleValue } from '../../helpers/exposition.js';
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

test('sysinfo fallback: memory, filesystems, load and uname under the Linux names', async () => {
  const memory = await scrape(createCollector(sysinfoMeminfoCollector));
  assert.equal(sampleValue(memory, 'node_memory_MemTotal_bytes'), os.totalmem());
  assert.equal(parseExposition(memory).get('node_memory_MemTotal_bytes')?.type, 'gauge');

  const everything = fixtureOptions();
  everything.filesystem.mountPointsExclude = compileRegex('^$');
  everything.filesystem.fsTypesExclude = compileRegex('^$');
  const filesystems = parseExposition(await scrape(createCollector(sysinfoFilesystemCollector, { options: everything })));
  const root = filesystems.get('node_filesystem_size_bytes')?.samples.find((s) => s.labels.mountpoint === '/');
  const real = statfsSync('/');
  // df reports whole KiB.
  assert.ok(root !== undefined && Math.abs(root.value - real.blocks * real.bsize) < 1024, `size of / ${root?.value} vs ${real.blocks * real.bsize}`);

  const load = await scrape(createCollector(sysinfoLoadavgCollector));
  assert.equal(sampleValue(load, 'node_load1') !== undefined, true);

  const uname = await scrape(createCollector(sysinfoUnameCollector));
  assert.equal(sampleValue(uname, 'node_uname_info', { nodename: os.hostname(), release: os.release(), sysname: os.type(), machine: os.machine() }), 1);
});

test('sysinfo fallback: node_os_info and node_os_version agree with this machine\'s os-release', async () => {
  const release = parseOsRelease(readFileSync('/etc/os-release', 'utf8'));
  const text = await scrape(createCollector(sysinfoOsCollector));
  assert.equal(sampleValue(text, 'node_os_info', { name: release.get('NAME') ?? '', version_id: release.get('VERSION_ID') ?? '' }), 1);
  const version = parseExposition(text).get('node_os_version')?.samples[0]?.value;
  assert.equal(version, Number(/^\d+(\.\d+)?/.exec(release.get('VERSION_ID') ?? '')?.[0]));
});
