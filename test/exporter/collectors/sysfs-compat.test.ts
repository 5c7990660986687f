/**
 * The sysfs collectors against Debian's real node_exporter 1.5 on the same fixture tree: every
 * family it emits exists in ours with its type, label names and values. Our names follow
 * node_exporter 1.10; where 1.10 differs from 1.5, the difference is listed below with its reason,
 * and a listed difference that no longer shows fails the test too, so the table stays true.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test, type TestContext } from 'node:test';
import { renderText } from '../../../common/metrics.js';
import { bcacheCollector } from '../../../exporter/collectors/bcache.js';
import { bondingCollector } from '../../../exporter/collectors/bonding.js';
import { btrfsCollector } from '../../../exporter/collectors/btrfs.js';
import { cpufreqCollector } from '../../../exporter/collectors/cpufreq.js';
import { dmiCollector } from '../../../exporter/collectors/dmi.js';
import { edacCollector } from '../../../exporter/collectors/edac.js';
import { fibrechannelCollector } from '../../../exporter/collectors/fibrechannel.js';
import { infinibandCollector } from '../../../exporter/collectors/infiniband.js';
import { hwmonCollector } from '../../../exporter/collectors/hwmon.js';
import { meminfoNumaCollector } from '../../../exporter/collectors/meminfo_numa.js';
import { netclassCollector } from '../../../exporter/collectors/netclass.js';
import { nvmeCollector } from '../../../exporter/collectors/nvme.js';
import { powerSupplyClassCollector } from '../../../exporter/collectors/powersupplyclass.js';
import { raplCollector } from '../../../exporter/collectors/rapl.js';
import { tapestatsCollector } from '../../../exporter/collectors/tapestats.js';
import { thermalZoneCollector } from '../../../exporter/collectors/thermal_zone.js';
import type { CollectorDefinition } from '../../../exporter/types.js';
import { labelNames, parseExposition, type Family, type Sample } from '../../helpers/exposition.js';
import { freePort } from '../../helpers/ports.js';
import { requireBinary, startProcess, waitForHttp } from '../../helpers/process.js';
import { createCollector, expected, fixturePaths, scrapeFamilies } from './fixture.js';
import { SYSFS_CASES } from './sysfs-cases.js';

/** Collectors whose 1.5 and 1.10 outputs share their names. */
const COMPARED: readonly CollectorDefinition[] = [netclassCollector, hwmonCollector, thermalZoneCollector, cpufreqCollector, raplCollector, dmiCollector, edacCollector, bondingCollector, powerSupplyClassCollector, nvmeCollector, tapestatsCollector, fibrechannelCollector, meminfoNumaCollector, bcacheCollector, infinibandCollector, btrfsCollector];

type Difference =
  /** A family node_exporter 1.5 does not have. */
  | { kind: 'new'; family: string; reason: string }
  /** Same family, a label added since 1.5. */
  | { kind: 'label'; family: string; label: string; reason: string }
  /** Samples 1.5 has and 1.10 does not (matched on these labels). */
  | { kind: 'dropped'; family: string; labels: Record<string, string>; reason: string }
  /** Samples 1.10 has and 1.5 does not (matched on these labels). */
  | { kind: 'added'; family: string; labels: Record<string, string>; reason: string };

/** node_exporter 1.5 → 1.10, as our fixture tree shows them. */
const DIFFERENCES: readonly Difference[] = [
  { kind: 'label', family: 'node_network_info', label: 'adminstate', reason: '1.6 added adminstate (IFF_UP of flags) to node_network_info' },
  { kind: 'new', family: 'node_hwmon_freq_freq_mhz', reason: '1.9 added GPU clock frequencies (freqN_input with a label)' },
  { kind: 'new', family: 'node_cpu_scaling_governor', reason: '1.7 added the scaling governor of each CPU' },
  {
    kind: 'dropped',
    family: 'node_cpu_scaling_frequency_hertz',
    labels: { cpu: '2' },
    reason: 'procfs 0.11+ (node_exporter 1.6+) skips CPUs listed in devices/system/cpu/offline; 1.5 reports them',
  },
  { kind: 'added', family: 'node_hwmon_sensor_label', labels: { sensor: 'freq1' }, reason: '1.9 reads freq sensors, so their labels too' },
  {
    kind: 'dropped',
    family: 'node_bcache_cache_readaheads_total',
    labels: { backing_device: 'bdev1' },
    reason: 'since 1.6 (node_exporter #2583) a backing device with no readaheads has no cache_readaheads_total',
  },
  ...['node_btrfs_commits_total', 'node_btrfs_last_commit_seconds', 'node_btrfs_max_commit_seconds', 'node_btrfs_commit_seconds_total'].map(
    (family): Difference => ({ kind: 'new', family, reason: '1.9 added the commit statistics of Linux 6.0 (commit_stats)' }),
  ),
];

/** As Prometheus sees labels: an empty value is the same as no label. */
function matches(sample: Sample, labels: Record<string, string>): boolean {
  return Object.entries(labels).every(([key, value]) => (sample.labels[key] ?? '') === value);
}

async function theirOutput(t: TestContext): Promise<Map<string, Family>> {
  const binary = requireBinary('prometheus-node-exporter', 'prometheus-node-exporter');
  const port = await freePort();
  const running = startProcess(t, binary, [
    `--web.listen-address=127.0.0.1:${port}`,
    `--path.sysfs=${fixturePaths.sysfs}`,
    `--path.procfs=${fixturePaths.procfs}`,
    '--collector.disable-defaults',
    ...COMPARED.map((definition) => `--collector.${definition.name}`),
  ]);
  await waitForHttp(running, `http://127.0.0.1:${port}/metrics`);
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  return parseExposition(await response.text());
}

async function ourOutput(): Promise<Map<string, Family>> {
  let text = '';
  for (const definition of COMPARED) text += renderText((await scrapeFamilies(createCollector(definition))).families());
  return parseExposition(text);
}

test('sysfs collectors match node_exporter 1.5 on the fixture tree, but for the listed 1.5 → 1.10 differences', async (t) => {
  const [them, us] = await Promise.all([theirOutput(t), ourOutput()]);
  for (const definition of COMPARED) {
    const success = them.get('node_scrape_collector_success')?.samples.find((s) => s.labels.collector === definition.name);
    assert.equal(success?.value, 1, `node_exporter's ${definition.name} collector works on the fixture`);
  }

  const problems: string[] = [];
  const seen = new Set<Difference>();
  const find = <K extends Difference['kind']>(kind: K, family: string, test: (d: Extract<Difference, { kind: K }>) => boolean = () => true) => {
    const found = DIFFERENCES.find((d): d is Extract<Difference, { kind: K }> => d.kind === kind && d.family === family && test(d as never));
    if (found !== undefined) seen.add(found);
    return found;
  };

  for (const [name, theirs] of them) {
    if (!name.startsWith('node_') || name.startsWith('node_scrape_') || name === 'node_exporter_build_info') continue;
    const ours = us.get(name);
    if (ours === undefined) {
      problems.push(`${name}: missing`);
      continue;
    }
    if (ours.type !== theirs.type) problems.push(`${name}: type ${ours.type}, node_exporter 1.5 ${theirs.type}`);
    const added = labelNames(ours).filter((label) => !labelNames(theirs).includes(label) && find('label', name, (d) => d.label === label) === undefined);
    if (added.length > 0 || labelNames(theirs).some((label) => !labelNames(ours).includes(label))) {
      problems.push(`${name}: labels ${labelNames(ours).join()}, node_exporter 1.5 ${labelNames(theirs).join()}`);
    }
    for (const sample of theirs.samples) {
      const mine = ours.samples.filter((each) => matches(each, sample.labels));
      if (mine.length === 1 && (mine[0] as Sample).value === sample.value) continue;
      if (mine.length === 0 && find('dropped', name, (d) => matches(sample, d.labels)) !== undefined) continue;
      problems.push(`${name}${JSON.stringify(sample.labels)}: ${sample.value} in 1.5, ours ${mine.map((each) => each.value).join(', ') || 'absent'}`);
    }
    const theirLabels = labelNames(theirs);
    for (const sample of ours.samples) {
      const projected = Object.fromEntries(theirLabels.map((label) => [label, sample.labels[label] ?? '']));
      if (theirs.samples.some((each) => matches(each, projected)) || find('added', name, (d) => matches(sample, d.labels)) !== undefined) continue;
      problems.push(`${name}${JSON.stringify(sample.labels)}: only ours`);
    }
  }
  for (const name of us.keys()) {
    if (!them.has(name) && find('new', name) === undefined) problems.push(`${name}: not in node_exporter 1.5 and not listed as new`);
  }
  for (const difference of DIFFERENCES) if (!seen.has(difference)) problems.push(`listed difference no longer seen: ${JSON.stringify(difference)}`);
  assert.deepEqual(problems, []);
});

const CAMEL_CASE_NUMA = /^node_memory_numa_\w+ metric names should be written in 'snake_case' not 'camelCase'$/;

test('promtool check metrics finds nothing to say about the sysfs collectors\' expected outputs', () => {
  const promtool = requireBinary('promtool', 'prometheus');
  for (const [, file] of SYSFS_CASES) {
    const result = spawnSync(promtool, ['check', 'metrics'], { input: expected(file), encoding: 'utf8' });
    // node_exporter's own NUMA names keep the kernel's CamelCase (as node_memory_* do): the one lint finding allowed.
    const findings = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line !== '' && !CAMEL_CASE_NUMA.test(line));
    assert.deepEqual(findings, [], file);
  }
});
