/**
 * The /proc and /sys collectors side by side with Debian's real node_exporter 1.5, both reading the
 * same fixture tree with the same collector list: every family node_exporter emits exists in ours
 * with the same type and label names and exactly the same samples. Our families that 1.5 lacks must
 * be listed below as 1.5 → 1.10 differences.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricFamilies, renderText } from '../../common/metrics.js';
import { arpCollector } from '../../exporter/collectors/arp.js';
import { conntrackCollector } from '../../exporter/collectors/conntrack.js';
import { entropyCollector } from '../../exporter/collectors/entropy.js';
import { filefdCollector } from '../../exporter/collectors/filefd.js';
import { interruptsCollector } from '../../exporter/collectors/interrupts.js';
import { ipvsCollector } from '../../exporter/collectors/ipvs.js';
import { mdadmCollector } from '../../exporter/collectors/mdadm.js';
import { mountstatsCollector } from '../../exporter/collectors/mountstats.js';
import { nfsCollector } from '../../exporter/collectors/nfs.js';
import { nfsdCollector } from '../../exporter/collectors/nfsd.js';
import { DEFAULT_NETSTAT_FIELDS, netstatCollector } from '../../exporter/collectors/netstat.js';
import { processesCollector } from '../../exporter/collectors/processes.js';
import { schedstatCollector } from '../../exporter/collectors/schedstat.js';
import { softnetCollector } from '../../exporter/collectors/softnet.js';
import { sockstatCollector } from '../../exporter/collectors/sockstat.js';
import { udpQueuesCollector } from '../../exporter/collectors/udp_queues.js';
import { xfsCollector } from '../../exporter/collectors/xfs.js';
import { zfsCollector } from '../../exporter/collectors/zfs.js';
import type { CollectorDefinition } from '../../exporter/types.js';
import { createCollector } from './collectors/fixture.js';
import { labelNames, parseExposition } from '../helpers/exposition.js';
import { freePort } from '../helpers/ports.js';
import { requireBinary, startProcess, waitForHttp } from '../helpers/process.js';
import { FIXTURES, ROOT } from './exporter-process.js';
import { promtoolProblems } from './promtool.js';

/** Collectors whose 1.5 names are 1.10's (renamed families go in RENAMED_SINCE_1_5 instead). */
const COLLECTORS: readonly CollectorDefinition[] = [
  arpCollector,
  conntrackCollector,
  entropyCollector,
  filefdCollector,
  interruptsCollector,
  ipvsCollector,
  mdadmCollector,
  mountstatsCollector,
  netstatCollector,
  nfsCollector,
  nfsdCollector,
  processesCollector,
  schedstatCollector,
  softnetCollector,
  sockstatCollector,
  udpQueuesCollector,
  xfsCollector,
  zfsCollector,
];

/** Families (or single series, with their labels sorted) node_exporter added after 1.5 in these collectors. */
const ADDED_SINCE_1_5 = new Map([
  ['node_softnet_backlog_len', 'softnet: per-CPU backlog, added in 1.6'],
  ['node_softnet_cpu_collision_total', 'softnet: added in 1.6'],
  ['node_softnet_flow_limit_count_total', 'softnet: added in 1.6'],
  ['node_softnet_received_rps_total', 'softnet: added in 1.6'],
  ['node_md_raid_disks', 'mdadm: from /sys/block/md*/md, added in 1.6'],
  ['node_md_degraded', 'mdadm: from /sys/block/md*/md, added in 1.6'],
  ['node_nfsd_requests_total{method="SetClientID",proto="4"}', 'nfsd: NFSv4.0 operation 35, added in 1.9'],
  ['node_nfsd_requests_total{method="SetClientIDConfirm",proto="4"}', 'nfsd: NFSv4.0 operation 36, added in 1.9'],
  ['node_zfs_arc_memory_available_bytes', 'zfs: signed (type 3) kstats, read since 1.6; 1.5 read unsigned ones only'],
  ['node_zfs_zpool_state{state="suspended",zpool="backup"}', 'zfs: the suspended pool state, added in 1.6'],
  ['node_zfs_zpool_state{state="suspended",zpool="tank"}', 'zfs: the suspended pool state, added in 1.6'],
]);

/** 1.5 name → 1.10 name, for families node_exporter renamed in these collectors. */
const RENAMED_SINCE_1_5 = new Map<string, string>([]);

/** Flags whose 1.5 default differs from 1.10's: both sides get 1.10's value. */
const SAME_OPTIONS = [`--collector.netstat.fields=${DEFAULT_NETSTAT_FIELDS.source}`];

async function ourText(): Promise<string> {
  const families = new MetricFamilies();
  for (const definition of COLLECTORS) {
    try {
      families.addAll(await scrapeInto(definition));
    } catch (error) {
      assert.fail(`${definition.name}: ${String(error)}`);
    }
  }
  return renderText(families.families());
}

async function scrapeInto(definition: CollectorDefinition): Promise<MetricFamilies> {
  const families = new MetricFamilies();
  await createCollector(definition).update(families, AbortSignal.timeout(10_000));
  return families;
}

function sampleKey(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  return pairs.length === 0 ? '' : `{${pairs.map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(',')}}`;
}

test('procfs collectors on the fixture tree: node_exporter 1.5 families, types, labels and values', async (t) => {
  const binary = requireBinary('prometheus-node-exporter', 'prometheus-node-exporter');
  const port = await freePort();
  const theirs = startProcess(t, binary, [
    `--web.listen-address=127.0.0.1:${port}`,
    `--path.procfs=${FIXTURES}/proc`,
    `--path.sysfs=${FIXTURES}/sys`,
    '--collector.disable-defaults',
    ...COLLECTORS.map((definition) => `--collector.${definition.name}`),
    ...SAME_OPTIONS,
  ], { cwd: ROOT });
  await waitForHttp(theirs, `http://127.0.0.1:${port}/metrics`);
  const theirText = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const them = parseExposition(theirText);
  const text = await ourText();
  const us = parseExposition(text);

  for (const definition of COLLECTORS) {
    const success = them.get('node_scrape_collector_success')?.samples.find((sample) => sample.labels.collector === definition.name);
    assert.equal(success?.value, 1, `node_exporter's ${definition.name} collector succeeded on the fixtures`);
  }

  const problems: string[] = [];
  for (const [theirName, family] of them) {
    if (!theirName.startsWith('node_') || theirName.startsWith('node_scrape_') || theirName === 'node_exporter_build_info') continue;
    const name = RENAMED_SINCE_1_5.get(theirName) ?? theirName;
    const mine = us.get(name);
    if (mine === undefined) {
      problems.push(`${name}: missing`);
      continue;
    }
    if (mine.type !== family.type) problems.push(`${name}: type ${mine.type}, node_exporter ${family.type}`);
    if (labelNames(mine).join() !== labelNames(family).join()) problems.push(`${name}: labels ${labelNames(mine).join()}, node_exporter ${labelNames(family).join()}`);
    const theirByLabels = new Map(family.samples.map((sample) => [sampleKey(sample.labels), sample.value]));
    const mineByLabels = new Map(mine.samples.map((sample) => [sampleKey(sample.labels), sample.value]));
    for (const [labels, value] of theirByLabels) {
      if (mineByLabels.get(labels) !== value) problems.push(`${name}${labels}: ${mineByLabels.get(labels)}, node_exporter ${value}`);
    }
    for (const labels of mineByLabels.keys()) {
      const series = `${name}${labels}`;
      if (!theirByLabels.has(labels) && !ADDED_SINCE_1_5.has(series)) problems.push(`${series}: not in node_exporter 1.5 and not listed as added since`);
      if (theirByLabels.has(labels) && ADDED_SINCE_1_5.has(series)) problems.push(`${series}: listed as added since 1.5 but 1.5 has it`);
    }
  }
  const renamedTo = new Set(RENAMED_SINCE_1_5.values());
  for (const name of us.keys()) {
    if (!them.has(name) && !ADDED_SINCE_1_5.has(name) && !renamedTo.has(name)) problems.push(`${name}: not in node_exporter 1.5 and not listed as added since`);
  }
  for (const name of ADDED_SINCE_1_5.keys()) {
    if (name.includes('{')) continue;
    if (them.has(name)) problems.push(`${name}: listed as added since 1.5 but 1.5 has it`);
    if (!us.has(name)) problems.push(`${name}: listed as added since 1.5 but the fixtures do not produce it`);
  }
  assert.deepEqual(problems, []);

  // promtool may only say about ours what it says about node_exporter's same families (camelCase netstat names, entropy in bits).
  const allowed = new Set(await promtoolProblems(theirText));
  const lint = await promtoolProblems(text);
  assert.deepEqual(lint.filter((line) => !allowed.has(line)), []);
  assert.ok(lint.some((line) => line.startsWith('node_netstat_')), 'promtool ran and saw the netstat families');
});
