/**
 * Side by side with Debian's real node_exporter 1.5 on this host, both with the same explicit
 * collector list (every collector of ours that it has) and the same flags: every family it emits
 * exists in ours with the same type and label names; equal values where they do not move.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelNames, parseExposition, type Family } from '../helpers/exposition.js';
import { freePort } from '../helpers/ports.js';
import { requireBinary, startProcess, waitForHttp } from '../helpers/process.js';
import { linuxCollectors } from '../../exporter/collectors/index.js';
import { DEFAULT_DISKSTATS_DEVICE_EXCLUDE } from '../../exporter/collectors/diskstats.js';
import { DEFAULT_NETSTAT_FIELDS } from '../../exporter/collectors/netstat.js';
import { tempDir } from '../helpers/tls.js';
import { startExporter } from './exporter-process.js';
import { nodeExporterCollectors } from './promtool.js';

/** Ours that node_exporter 1.5 also has; systemd among them, which fails on both sides on a host without a system bus. */
const COLLECTORS = linuxCollectors.map((definition) => definition.name).filter((name) => nodeExporterCollectors().has(name));

/** Families whose samples (label values and values) do not move while the host runs. */
const STABLE = [
  'node_memory_MemTotal_bytes',
  'node_memory_SwapTotal_bytes',
  'node_boot_time_seconds',
  'node_uname_info',
  'node_os_info',
  'node_filefd_maximum',
  'node_entropy_pool_size_bits',
  'node_nf_conntrack_entries_limit',
  'node_selinux_enabled',
  'node_network_info',
  'node_network_up',
  'node_network_mtu_bytes',
  'node_network_speed_bytes',
  'node_network_iface_id',
  'node_network_address_assign_type',
  'node_network_protocol_type',
  'node_cpu_frequency_max_hertz',
  'node_cpu_frequency_min_hertz',
  'node_thermal_zone_temp',
  'node_dmi_info',
  'node_nvme_info',
  'node_md_disks_required',
  // What only an NTP daemon or a PPS source changes.
  'node_timex_sync_status',
  'node_timex_status',
  'node_timex_loop_time_constant',
  'node_timex_tick_seconds',
  'node_timex_tai_offset_seconds',
  'node_timex_pps_frequency_hertz',
  'node_timex_pps_shift_seconds',
  'node_timex_pps_stability_hertz',
  'node_timex_pps_jitter_total',
  'node_timex_pps_calibration_total',
  'node_timex_pps_error_total',
  'node_timex_pps_stability_exceeded_total',
];

/**
 * timex values a running NTP daemon moves between the two scrapes, with the bound: the offset is slewed by at
 * most 500 µs/s, the frequency changes by well under 1 ppm, maxerror grows by 500 µs/s.
 */
const TIMEX_MOVING = new Map([
  ['node_timex_offset_seconds', 0.01],
  ['node_timex_frequency_adjustment_ratio', 1e-6],
  ['node_timex_maxerror_seconds', 0.01],
  ['node_timex_estimated_error_seconds', 0.01],
  ['node_timex_pps_jitter_seconds', 0.01],
]);

/** Labels node_exporter added to a family after 1.5 (ours are 1.10's): left out when comparing, with the version and why. */
const LABELS_ADDED_SINCE_1_5 = new Map<string, readonly [label: string, why: string][]>([
  ['node_network_info', [['adminstate', '1.6: the administrative (IFF_UP) state of the interface']]],
  ['node_disk_info', [['rotational', '1.9: /sys/block/<dev>/queue/rotational']]],
  ...['size_bytes', 'free_bytes', 'avail_bytes', 'files', 'files_free', 'readonly', 'device_error'].map(
    (family): [string, [label: string, why: string][]] => [`node_filesystem_${family}`, [['device_error', "1.9: statfs's error text, empty when none"]]],
  ),
]);

/**
 * Other 1.5 → 1.10 changes in these collectors, not seen by the comparison above: where a default changed,
 * both sides get 1.10's value explicitly.
 */
const CHANGED_SINCE_1_5 = new Map([
  ['diskstats device-exclude', '1.8: zram devices excluded by default (`^(z?ram|loop|…)`); passed to both'],
  ['diskstats serial', '1.6: node_disk_info serial from SCSI_IDENT_SERIAL, else ID_SERIAL_SHORT, else ID_SERIAL'],
  ['netstat fields', '1.8/1.9: TcpExt_TCPOFOQueue and TcpExt_TCPRcvQDrop in the default fields; passed to both'],
  ['filesystem fs-types-exclude', '1.10: erofs excluded by default'],
  ['os', '1.8: node_os_support_end_timestamp_seconds from SUPPORT_END (Debian 12 has none)'],
  ['pressure', '1.9: node_pressure_irq_stalled_seconds_total from /proc/pressure/irq (Linux 6.1+)'],
  ['cpu', '1.10 flags --collector.cpu.guest (true) and --collector.cpu.info*; cpu info is off on both sides'],
]);

function as15(family: Family | undefined, name: string): Family | undefined {
  const added = new Set((LABELS_ADDED_SINCE_1_5.get(name) ?? []).map(([label]) => label));
  if (family === undefined || added.size === 0) return family;
  return {
    ...family,
    samples: family.samples.map((sample) => ({ ...sample, labels: Object.fromEntries(Object.entries(sample.labels).filter(([label]) => !added.has(label))) })),
  };
}

/** node_exporter families we do not have, and why. */
const EXCEPTIONS = new Map([
  ['node_exporter_build_info', 'describes the Go build of node_exporter (goversion, revision); it is not a host metric'],
]);

/** node_exporter reports success with no samples where we report no data (success 0). */
const SUCCESS_DIFFERS = new Map([['cpufreq', 'a host without cpufreq directories: node_exporter reports success with no samples, ours no data']]);

function sortedSamples(family: Family | undefined): string[] {
  return (family?.samples ?? []).map((sample) => `${JSON.stringify(Object.entries(sample.labels).sort())} ${sample.value}`).sort();
}

function value(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const sample = families.get(name)?.samples.find((each) => Object.entries(labels).every(([key, wanted]) => each.labels[key] === wanted));
  assert.ok(sample !== undefined, `${name}${JSON.stringify(labels)} present`);
  return sample.value;
}

test('same families, types and label names as node_exporter 1.5; equal values where they do not move', async (t) => {
  const binary = requireBinary('prometheus-node-exporter', 'prometheus-node-exporter');
  const port = await freePort();
  // Debian's build reads textfiles from its own directory by default: both get the same empty one.
  const textfiles = tempDir(t);
  const flags = [
    '--collector.disable-defaults',
    ...COLLECTORS.map((name) => `--collector.${name}`),
    `--collector.textfile.directory=${textfiles}`,
    // 1.10's defaults where they differ from 1.5's (CHANGED_SINCE_1_5).
    `--collector.netstat.fields=${DEFAULT_NETSTAT_FIELDS.source}`,
    `--collector.diskstats.device-exclude=${DEFAULT_DISKSTATS_DEVICE_EXCLUDE.source}`,
  ];
  const theirs = startProcess(t, binary, [`--web.listen-address=127.0.0.1:${port}`, ...flags]);
  const ours = await startExporter(t, flags);
  await waitForHttp(theirs, `http://127.0.0.1:${port}/metrics`);

  // Scraped together, so counters have moved as little as possible between the two.
  const [theirText, ourText] = await Promise.all([
    fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text()),
    fetch(`${ours.base}/metrics`).then((response) => response.text()),
  ]);
  const them = parseExposition(theirText);
  const us = parseExposition(ourText);

  const problems: string[] = [];
  for (const [name, family] of them) {
    if (!name.startsWith('node_') || EXCEPTIONS.has(name)) continue;
    const mine = as15(us.get(name), name);
    if (mine === undefined) problems.push(`${name}: missing`);
    else if (mine.type !== family.type) problems.push(`${name}: type ${mine.type}, node_exporter ${family.type}`);
    else if (labelNames(mine).join() !== labelNames(family).join()) problems.push(`${name}: labels ${labelNames(mine).join()}, node_exporter ${labelNames(family).join()}`);
  }
  assert.deepEqual(problems, []);
  const ourFamilies = [...us.keys()].filter((name) => name.startsWith('node_')).length;
  const theirFamilies = [...them.keys()].filter((name) => name.startsWith('node_')).length;
  t.diagnostic(`${COLLECTORS.length} collectors: ${ourFamilies} node_ families here, node_exporter 1.5 ${theirFamilies}`);
  for (const [what, change] of CHANGED_SINCE_1_5) t.diagnostic(`since 1.5, ${what}: ${change}`);

  // A collector may fail or find nothing on this host, but then node_exporter's must too.
  for (const name of COLLECTORS) {
    const theirSuccess = value(them, 'node_scrape_collector_success', { collector: name });
    if (theirSuccess === 1 && !SUCCESS_DIFFERS.has(name)) assert.equal(value(us, 'node_scrape_collector_success', { collector: name }), 1, name);
  }

  // Values that do not move.
  for (const name of STABLE) {
    if (!them.has(name)) continue;
    assert.deepEqual(sortedSamples(as15(us.get(name), name)), sortedSamples(them.get(name)), name);
  }
  for (const sample of them.get('node_filesystem_size_bytes')?.samples ?? []) {
    assert.equal(value(us, 'node_filesystem_size_bytes', sample.labels), sample.value, `size of ${sample.labels.mountpoint}`);
  }
  assert.equal(us.get('node_cpu_seconds_total')?.samples.length, them.get('node_cpu_seconds_total')?.samples.length);
  assert.deepEqual(
    us.get('node_network_receive_bytes_total')?.samples.map((sample) => sample.labels.device).sort(),
    them.get('node_network_receive_bytes_total')?.samples.map((sample) => sample.labels.device).sort(),
  );

  // Counters: within a small tolerance (the two scrapes are a few milliseconds apart).
  for (const sample of them.get('node_cpu_seconds_total')?.samples ?? []) {
    const ourValue = value(us, 'node_cpu_seconds_total', sample.labels);
    assert.ok(Math.abs(ourValue - sample.value) <= 1 + sample.value * 0.001, `cpu ${JSON.stringify(sample.labels)}: ${ourValue} vs ${sample.value}`);
  }
  for (const [name, bound] of TIMEX_MOVING) {
    const [ourValue, theirValue] = [value(us, name), value(them, name)];
    t.diagnostic(`${name}: ours ${ourValue}, node_exporter ${theirValue}`);
    assert.ok(Math.abs(ourValue - theirValue) <= bound, `${name}: ${ourValue} vs ${theirValue}`);
  }
  for (const name of ['node_intr_total', 'node_context_switches_total', 'node_forks_total']) {
    const theirValue = value(them, name);
    assert.ok(Math.abs(value(us, name) - theirValue) <= theirValue * 0.01 + 1000, name);
  }
  for (const sample of them.get('node_disk_reads_completed_total')?.samples ?? []) {
    assert.ok(Math.abs(value(us, 'node_disk_reads_completed_total', sample.labels) - sample.value) <= sample.value * 0.01 + 100, sample.labels.device);
  }
});
