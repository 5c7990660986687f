import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cpuCollector } from '../../../exporter/collectors/cpu.js';
import { parseCpuList } from '../../../exporter/procfs/cpulist.js';
import { parseExposition } from '../../helpers/exposition.js';
import { FIXTURES, createCollector, expected, fixturePaths, scrape } from './fixture.js';

test('cpu counters never go backwards, a hotplugged CPU restarts, new and vanished CPUs follow /proc/stat', async (t) => {
  const procfs = await mkdtemp(join(tmpdir(), 'platypus-cpu-'));
  t.after(() => rm(procfs, { recursive: true, force: true }));
  const collector = createCollector(cpuCollector, { paths: { ...fixturePaths, procfs } });

  await copyFile(join(FIXTURES, 'proc', 'stat'), join(procfs, 'stat'));
  assert.equal(await scrape(collector), expected('cpu.prom'));

  // cpu0's iowait dips (kept at 0.65), cpu1's idle drops by 862 s (hotplug: reset), cpu2 appears.
  await copyFile(join(FIXTURES, 'cpu-later', 'stat'), join(procfs, 'stat'));
  assert.equal(await scrape(collector), expected('cpu-later.prom'));

  // Back to the first file: cpu2 is gone, and the others move forward again.
  await copyFile(join(FIXTURES, 'proc', 'stat'), join(procfs, 'stat'));
  const third = await scrape(collector);
  assert.doesNotMatch(third, /^node_cpu_(guest_)?seconds_total\{cpu="2"/m);
  // cpu0's idle went backwards by less than 3 s: kept at the later value.
  assert.match(third, /^node_cpu_seconds_total\{cpu="0",mode="idle"\} 879\.9$/m);
  assert.match(third, /^node_cpu_seconds_total\{cpu="1",mode="idle"\} 863\.69$/m);
});

test('cpu online: every CPU sysfs lists; none where cpu0 cannot go offline (no cpu0/online), as node_exporter', async (t) => {
  const sysfs = await mkdtemp(join(tmpdir(), 'platypus-cpu-online-'));
  t.after(() => rm(sysfs, { recursive: true, force: true }));
  const cpuRoot = join(sysfs, 'devices', 'system', 'cpu');
  for (const cpu of ['cpu0', 'cpu1', 'cpu10', 'cpu2']) await mkdir(join(cpuRoot, cpu), { recursive: true });
  await writeFile(join(cpuRoot, 'cpu1', 'online'), '1\n');
  await writeFile(join(cpuRoot, 'cpu2', 'online'), '0\n');
  await writeFile(join(cpuRoot, 'cpu10', 'online'), '1\n');
  const collector = createCollector(cpuCollector, { paths: { ...fixturePaths, sysfs } });
  assert.doesNotMatch(await scrape(collector), /node_cpu_online/);

  await writeFile(join(cpuRoot, 'cpu0', 'online'), '1\n');
  const online = parseExposition(await scrape(collector)).get('node_cpu_online')?.samples.map((s) => [s.labels.cpu, s.value]);
  assert.deepEqual(online, [['0', 1], ['1', 1], ['2', 0], ['10', 1]]);
});

test('parseCpuList: the kernel CPU list format', () => {
  assert.deepEqual(parseCpuList('0-2,5,7-8\n'), ['0', '1', '2', '5', '7', '8']);
  assert.deepEqual(parseCpuList('\n'), []);
  assert.throws(() => parseCpuList('3-1', '/sys/devices/system/cpu/isolated'), /\/sys\/devices\/system\/cpu\/isolated: invalid CPU range "3-1"/);
});
