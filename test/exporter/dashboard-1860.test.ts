/**
 * Dashboard 1860 ("Node Exporter Full", rfmoz/grafana-dashboards prometheus/node-exporter-full.json at 4b1729d): the
 * queries of its most used panels, as the dashboard has them (whitespace collapsed), run against a real Prometheus
 * scraping our exporter with its default collectors on this host. Each returns data, unless the host lacks what the
 * panel shows: those are listed with the reason, and one that returns data anyway fails the test, so the list stays true.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startLocalPrometheus } from '../helpers/prometheus.js';
import { tempDir } from '../helpers/tls.js';
import { waitFor } from '../helpers/wait.js';
import { startExporter } from './exporter-process.js';

/** [panel title, query] */
const QUERIES: readonly (readonly [string, string])[] = [
  ['CPU Busy', '100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle",instance="$node",job="$job"}[$__rate_interval])))'],
  ['Sys Load', 'scalar(node_load1{instance="$node",job="$job"}) * 100 / count(count(node_cpu_seconds_total{instance="$node",job="$job"}) by (cpu))'],
  ['RAM Used', 'clamp_min((1 - (node_memory_MemAvailable_bytes{instance="$node", job="$job"} / node_memory_MemTotal_bytes{instance="$node", job="$job"})) * 100, 0)'],
  ['SWAP Used', '(node_memory_SwapTotal_bytes{instance="$node",job="$job"} > bool 0) * ((node_memory_SwapTotal_bytes{instance="$node",job="$job"} - node_memory_SwapFree_bytes{instance="$node",job="$job"}) / (node_memory_SwapTotal_bytes{instance="$node",job="$job"})) * 100'],
  ['Root FS Used', '( (node_filesystem_size_bytes{instance="$node", job="$job", mountpoint="/", fstype!="rootfs"} - node_filesystem_avail_bytes{instance="$node", job="$job", mountpoint="/", fstype!="rootfs"}) / node_filesystem_size_bytes{instance="$node", job="$job", mountpoint="/", fstype!="rootfs"} ) * 100'],
  ['CPU Cores', 'count(count(node_cpu_seconds_total{instance="$node",job="$job"}) by (cpu))'],
  ['RAM Total', 'node_memory_MemTotal_bytes{instance="$node",job="$job"}'],
  ['SWAP Total', 'node_memory_SwapTotal_bytes{instance="$node",job="$job"}'],
  ['RootFS Total', 'node_filesystem_size_bytes{instance="$node",job="$job",mountpoint="/",fstype!="rootfs"}'],
  ['Uptime', 'node_time_seconds{instance="$node",job="$job"} - node_boot_time_seconds{instance="$node",job="$job"}'],
  ['CPU Basic', 'avg(rate(node_cpu_seconds_total{instance="$node",job="$job", mode="system"}[$__rate_interval]))'],
  ['CPU Basic', 'avg(rate(node_cpu_seconds_total{instance="$node",job="$job", mode="user"}[$__rate_interval]))'],
  ['CPU Basic', 'avg(rate(node_cpu_seconds_total{instance="$node",job="$job", mode="iowait"}[$__rate_interval]))'],
  ['CPU Basic', 'avg(sum without(mode) (rate(node_cpu_seconds_total{instance="$node",job="$job", mode=~".*irq"}[$__rate_interval])))'],
  ['CPU Basic', 'avg(sum without (mode) (rate(node_cpu_seconds_total{instance="$node",job="$job", mode!=\'idle\',mode!=\'user\',mode!=\'system\',mode!=\'iowait\',mode!=\'irq\',mode!=\'softirq\'}[$__rate_interval])))'],
  ['CPU Basic', 'avg(rate(node_cpu_seconds_total{instance="$node",job="$job", mode="idle"}[$__rate_interval]))'],
  ['Memory Basic', 'node_memory_MemTotal_bytes{instance="$node",job="$job"}'],
  ['Memory Basic', 'node_memory_MemTotal_bytes{instance="$node",job="$job"} - node_memory_MemFree_bytes{instance="$node",job="$job"} - (node_memory_Cached_bytes{instance="$node",job="$job"} + node_memory_Buffers_bytes{instance="$node",job="$job"} + node_memory_SReclaimable_bytes{instance="$node",job="$job"})'],
  ['Memory Basic', 'node_memory_Cached_bytes{instance="$node",job="$job"} + node_memory_Buffers_bytes{instance="$node",job="$job"} + node_memory_SReclaimable_bytes{instance="$node",job="$job"}'],
  ['Memory Basic', 'node_memory_MemFree_bytes{instance="$node",job="$job"}'],
  ['Memory Basic', '(node_memory_SwapTotal_bytes{instance="$node",job="$job"} - node_memory_SwapFree_bytes{instance="$node",job="$job"})'],
  ['Network Traffic Basic', 'rate(node_network_receive_bytes_total{instance="$node",job="$job"}[$__rate_interval])*8'],
  ['Network Traffic Basic', 'rate(node_network_transmit_bytes_total{instance="$node",job="$job"}[$__rate_interval])*8'],
  ['Disk Space Used Basic', '((node_filesystem_size_bytes{instance="$node", job="$job", device!~\'rootfs\'} - node_filesystem_avail_bytes{instance="$node", job="$job", device!~\'rootfs\'}) / node_filesystem_size_bytes{instance="$node", job="$job", device!~\'rootfs\'}) * 100'],
  ['CPU', 'sum(rate(node_cpu_seconds_total{mode="system",instance="$node",job="$job"}[$__rate_interval])) / scalar(count(count(node_cpu_seconds_total{instance="$node",job="$job"}) by (cpu)))'],
  ['CPU', 'sum(rate(node_cpu_seconds_total{mode="user",instance="$node",job="$job"}[$__rate_interval])) / scalar(count(count(node_cpu_seconds_total{instance="$node",job="$job"}) by (cpu)))'],
  ['CPU', 'sum(rate(node_cpu_seconds_total{mode="nice",instance="$node",job="$job"}[$__rate_interval])) / scalar(count(count(node_cpu_seconds_total{instance="$node",job="$job"}) by (cpu)))'],
  ['CPU', 'sum(rate(node_cpu_seconds_total{mode="iowait",instance="$node",job="$job"}[$__rate_interval])) / scalar(count(count(node_cpu_seconds_total{instance="$node",job="$job"}) by (cpu)))'],
  ['CPU', 'sum(rate(node_cpu_seconds_total{mode="irq",instance="$node",job="$job"}[$__rate_interval])) / scalar(count(count(node_cpu_seconds_total{instance="$node",job="$job"}) by (cpu)))'],
  ['CPU', 'sum(rate(node_cpu_seconds_total{mode="softirq",instance="$node",job="$job"}[$__rate_interval])) / scalar(count(count(node_cpu_seconds_total{instance="$node",job="$job"}) by (cpu)))'],
  ['CPU', 'sum(rate(node_cpu_seconds_total{mode="steal",instance="$node",job="$job"}[$__rate_interval])) / scalar(count(count(node_cpu_seconds_total{instance="$node",job="$job"}) by (cpu)))'],
  ['CPU', 'sum(rate(node_cpu_seconds_total{mode="idle",instance="$node",job="$job"}[$__rate_interval])) / scalar(count(count(node_cpu_seconds_total{instance="$node",job="$job"}) by (cpu)))'],
  ['CPU', 'sum by(instance) (rate(node_cpu_guest_seconds_total{instance="$node",job="$job"}[$__rate_interval])) / on(instance) group_left sum by (instance)((rate(node_cpu_seconds_total{instance="$node",job="$job"}[$__rate_interval]))) > 0'],
  ['Memory', 'node_memory_MemTotal_bytes{instance="$node",job="$job"} - node_memory_MemFree_bytes{instance="$node",job="$job"} - node_memory_Buffers_bytes{instance="$node",job="$job"} - node_memory_Cached_bytes{instance="$node",job="$job"} - node_memory_Slab_bytes{instance="$node",job="$job"} - node_memory_PageTables_bytes{instance="$node",job="$job"} - node_memory_SwapCached_bytes{instance="$node",job="$job"}'],
  ['Memory', 'node_memory_PageTables_bytes{instance="$node",job="$job"}'],
  ['Memory', 'node_memory_SwapCached_bytes{instance="$node",job="$job"}'],
  ['Memory', 'node_memory_Slab_bytes{instance="$node",job="$job"}'],
  ['Memory', 'node_memory_Cached_bytes{instance="$node",job="$job"}'],
  ['Memory', 'node_memory_Buffers_bytes{instance="$node",job="$job"}'],
  ['Memory', 'node_memory_MemFree_bytes{instance="$node",job="$job"}'],
  ['Memory', '(node_memory_SwapTotal_bytes{instance="$node",job="$job"} - node_memory_SwapFree_bytes{instance="$node",job="$job"})'],
  ['Memory', 'node_memory_HardwareCorrupted_bytes{instance="$node",job="$job"}'],
  ['Network Traffic', 'rate(node_network_receive_bytes_total{instance="$node",job="$job"}[$__rate_interval])*8'],
  ['Network Traffic', 'rate(node_network_transmit_bytes_total{instance="$node",job="$job"}[$__rate_interval])*8'],
  ['Disk IOps', 'rate(node_disk_reads_completed_total{instance="$node",job="$job",device=~"[a-z]+|nvme[0-9]+n[0-9]+|mmcblk[0-9]+"}[$__rate_interval])'],
  ['Disk IOps', 'rate(node_disk_writes_completed_total{instance="$node",job="$job",device=~"[a-z]+|nvme[0-9]+n[0-9]+|mmcblk[0-9]+"}[$__rate_interval])'],
  ['Disk Throughput', 'rate(node_disk_read_bytes_total{instance="$node",job="$job",device=~"[a-z]+|nvme[0-9]+n[0-9]+|mmcblk[0-9]+"}[$__rate_interval])'],
  ['Disk Throughput', 'rate(node_disk_written_bytes_total{instance="$node",job="$job",device=~"[a-z]+|nvme[0-9]+n[0-9]+|mmcblk[0-9]+"}[$__rate_interval])'],
  ['Filesystem Space Available', 'node_filesystem_avail_bytes{instance="$node",job="$job",device!~\'rootfs\'}'],
  ['Filesystem Space Available', 'node_filesystem_free_bytes{instance="$node",job="$job",device!~\'rootfs\'}'],
  ['Filesystem Space Available', 'node_filesystem_size_bytes{instance="$node",job="$job",device!~\'rootfs\'}'],
  ['Filesystem Used', 'node_filesystem_size_bytes{instance="$node",job="$job",device!~\'rootfs\'} - node_filesystem_avail_bytes{instance="$node",job="$job",device!~\'rootfs\'}'],
  ['Hardware Temperature Monitor', 'node_hwmon_temp_celsius{instance="$node",job="$job"} * on(chip) group_left(chip_name) node_hwmon_chip_names{instance="$node",job="$job"}'],
  ['Hardware Temperature Monitor', 'node_hwmon_temp_crit_alarm_celsius{instance="$node",job="$job"} * on(chip) group_left(chip_name) node_hwmon_chip_names{instance="$node",job="$job"}'],
  ['Hardware Temperature Monitor', 'node_hwmon_temp_crit_celsius{instance="$node",job="$job"} * on(chip) group_left(chip_name) node_hwmon_chip_names{instance="$node",job="$job"}'],
  ['Hardware Temperature Monitor', 'node_hwmon_temp_crit_hyst_celsius{instance="$node",job="$job"} * on(chip) group_left(chip_name) node_hwmon_chip_names{instance="$node",job="$job"}'],
  ['Hardware Temperature Monitor', 'node_hwmon_temp_max_celsius{instance="$node",job="$job"} * on(chip) group_left(chip_name) node_hwmon_chip_names{instance="$node",job="$job"}'],
  ['File Descriptor', 'node_filefd_maximum{instance="$node",job="$job"}'],
  ['File Descriptor', 'node_filefd_allocated{instance="$node",job="$job"}'],
  ['Network Traffic Errors', 'rate(node_network_receive_errs_total{instance="$node",job="$job"}[$__rate_interval])'],
  ['Network Traffic Errors', 'rate(node_network_transmit_errs_total{instance="$node",job="$job"}[$__rate_interval])'],
  ['NF Conntrack', 'node_nf_conntrack_entries{instance="$node",job="$job"}'],
  ['NF Conntrack', 'node_nf_conntrack_entries_limit{instance="$node",job="$job"}'],
  ['Sockstat TCP', 'node_sockstat_TCP_alloc{instance="$node",job="$job"}'],
  ['Sockstat TCP', 'node_sockstat_TCP_inuse{instance="$node",job="$job"}'],
  ['Sockstat TCP', 'node_sockstat_TCP_orphan{instance="$node",job="$job"}'],
  ['Sockstat TCP', 'node_sockstat_TCP_tw{instance="$node",job="$job"}'],
  ['Sockstat UDP', 'node_sockstat_UDPLITE_inuse{instance="$node",job="$job"}'],
  ['Sockstat UDP', 'node_sockstat_UDP_inuse{instance="$node",job="$job"}'],
  ['Sockstat Used', 'node_sockstat_sockets_used{instance="$node",job="$job"}'],
  ['Netstat IP In / Out Octets', 'rate(node_netstat_IpExt_InOctets{instance="$node",job="$job"}[$__rate_interval])'],
  ['Netstat IP In / Out Octets', 'rate(node_netstat_IpExt_OutOctets{instance="$node",job="$job"}[$__rate_interval])'],
  ['TCP In / Out', 'rate(node_netstat_Tcp_InSegs{instance="$node",job="$job"}[$__rate_interval])'],
  ['TCP In / Out', 'rate(node_netstat_Tcp_OutSegs{instance="$node",job="$job"}[$__rate_interval])'],
  ['UDP In / Out', 'rate(node_netstat_Udp_InDatagrams{instance="$node",job="$job"}[$__rate_interval])'],
  ['UDP In / Out', 'rate(node_netstat_Udp_OutDatagrams{instance="$node",job="$job"}[$__rate_interval])'],
  ['TCP Connections', 'node_netstat_Tcp_CurrEstab{instance="$node",job="$job"}'],
  ['TCP Connections', 'node_netstat_Tcp_MaxConn{instance="$node",job="$job"}'],
];

/** Whether some hwmon chip of this host has a temperature file ending in `suffix`. */
function hwmonHas(suffix: string): boolean {
  const root = '/sys/class/hwmon';
  if (!existsSync(root)) return false;
  return readdirSync(root).some((chip) => readdirSync(join(root, chip)).some((file) => /^temp\d+_/.test(file) && file.endsWith(suffix)));
}

/** The guest columns of /proc/stat's `cpu` line. */
function guestSeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/);
  return Number(fields[9] ?? 0) + Number(fields[10] ?? 0);
}

/** Queries that have no data on a host without the thing they show: why, and whether this host has it. */
const NEEDS: ReadonlyMap<string, { reason: string; present: () => boolean }> = new Map([
  ['node_hwmon_temp_celsius', { reason: 'no hwmon temperature sensor on this host', present: () => hwmonHas('_input') }],
  ['node_hwmon_temp_crit_alarm_celsius', { reason: 'no hwmon sensor with a critical alarm on this host', present: () => hwmonHas('_crit_alarm') }],
  ['node_hwmon_temp_crit_celsius', { reason: 'no hwmon sensor with a critical limit on this host', present: () => hwmonHas('_crit') }],
  ['node_hwmon_temp_crit_hyst_celsius', { reason: 'no hwmon sensor with a critical hysteresis on this host', present: () => hwmonHas('_crit_hyst') }],
  ['node_hwmon_temp_max_celsius', { reason: 'no hwmon sensor with a maximum on this host', present: () => hwmonHas('_max') }],
  [
    'node_memory_HardwareCorrupted_bytes',
    { reason: 'kernel without memory failure recovery: no HardwareCorrupted in /proc/meminfo', present: () => readFileSync('/proc/meminfo', 'utf8').includes('HardwareCorrupted:') },
  ],
  ['node_cpu_guest_seconds_total', { reason: 'the panel keeps guest time > 0 only, and no VM runs on this host', present: () => guestSeconds() > 0 }],
  ['node_netstat_Tcp_MaxConn', { reason: "not in node_exporter's default --collector.netstat.fields either", present: () => false }],
]);

function need(query: string) {
  return [...NEEDS].find(([metric]) => new RegExp(`\\b${metric}\\{`).test(query))?.[1];
}

interface QueryResult {
  status: string;
  data: { result: unknown[] };
}

test('dashboard 1860: the queries of its most used panels return data from Prometheus scraping our exporter', async (t) => {
  const exporter = await startExporter(t, []);
  const instance = `127.0.0.1:${exporter.port}`;
  const prometheus = await startLocalPrometheus(t, tempDir(t, 'platypus-1860-'), 'node', [instance]);
  const run = async (query: string): Promise<unknown[]> => {
    const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}`);
    const body = (await response.json()) as QueryResult;
    assert.equal(body.status, 'success', query);
    return body.data.result;
  };
  // Grafana's $__rate_interval is at least four scrape intervals; rates need two scrapes within it.
  const expand = (query: string): string => query.replaceAll('$node', instance).replaceAll('$job', 'node').replaceAll('$__rate_interval', '5s');
  await waitFor('two scrapes of the exporter', async () => (await run(expand(QUERIES[0]![1]))).length > 0, { timeoutMs: 60_000, intervalMs: 250 });

  const empty: string[] = [];
  const skipped: string[] = [];
  for (const [panel, query] of QUERIES) {
    const needed = need(query);
    const result = await run(expand(query));
    if (needed !== undefined && !needed.present()) {
      assert.equal(result.length, 0, `${panel}: listed as without data here (${needed.reason}) but returns data: ${query}`);
      skipped.push(`${panel}: ${needed.reason}`);
    } else if (result.length === 0) {
      empty.push(`${panel}: ${query}`);
    }
  }
  assert.deepEqual(empty, []);
  t.diagnostic(`${QUERIES.length} queries of dashboard 1860: ${QUERIES.length - skipped.length} return data, ${skipped.length} skipped`);
  for (const reason of new Set(skipped)) t.diagnostic(`skipped ${reason}`);
});
