// The fallback collectors (what macOS and Windows run), forced on Linux with --collector.fallback and
// scraped by a real Prometheus running the shipped rules: which shipped rule expressions and
// dashboard queries have data off Linux. One exporter stands in for macOS, where systeminformation
// answers everything the fallback asks; a second, without the loadavg and diskstats collectors,
// stands in for Windows, where there is no load average and si has no disk I/O counters.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { freePort } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait.js';
import { instantQuery, loadYaml, repoPath, startPrometheus, tempDir } from '../ops/stack.js';
import { startExporter } from './exporter-process.js';

type Os = 'macos' | 'windows';
const BOTH: readonly Os[] = ['macos', 'windows'];
const MACOS: readonly Os[] = ['macos'];

/**
 * Every shipped rule and dashboard query that reads the exporter, and where it has data off Linux.
 * Rules are keyed `file name`; dashboard queries `file: expr`; variables `file $name`.
 */
const EXPECTED: Readonly<Record<string, readonly Os[]>> = {
  'node-alerts.yml ExporterDown': BOTH,
  // Has data only while an exporter is missing from its list; it reads nothing but `up`.
  'meta-alerts.yml ExporterVanished': [],
  'node-alerts.yml CollectorFailing': BOTH,
  'node-alerts.yml CPUHigh': BOTH,
  'node-alerts.yml MemoryLow': BOTH,
  'node-alerts.yml DiskFull': BOTH,
  'node-alerts.yml DiskFillingIn24h': BOTH,
  'node-alerts.yml LoadHigh': MACOS,
  'node-alerts.yml ClockSkew': BOTH,
  'recording.yml instance:node_cpu_utilisation:rate5m': BOTH,
  'recording.yml instance:node_num_cpu:sum': BOTH,
  'recording.yml instance:node_load1_per_cpu:ratio': MACOS,
  'recording.yml instance:node_memory_utilisation:ratio': BOTH,
  'recording.yml instance:node_filesystem_usage:ratio': BOTH,
  'recording.yml instance:node_filesystem_usage:max_ratio': BOTH,
  'fleet.json: up{job="node"}': BOTH,
  'fleet.json: instance:node_cpu_utilisation:rate5m': BOTH,
  'fleet.json: instance:node_memory_utilisation:ratio': BOTH,
  'fleet.json: instance:node_filesystem_usage:max_ratio': BOTH,
  'host.json: time() - node_boot_time_seconds{job="node", instance="$instance"}': BOTH,
  'host.json: instance:node_num_cpu:sum{job="node", instance="$instance"}': BOTH,
  'host.json: node_memory_MemTotal_bytes{job="node", instance="$instance"}': BOTH,
  'host.json: instance:node_load1_per_cpu:ratio{job="node", instance="$instance"}': MACOS,
  'host.json: sum by (mode) (rate(node_cpu_seconds_total{job="node", instance="$instance", mode!="idle"}[$__rate_interval])) / scalar(instance:node_num_cpu:sum{job="node", instance="$instance"})': BOTH,
  'host.json: node_memory_MemTotal_bytes{job="node", instance="$instance"} - node_memory_MemAvailable_bytes{job="node", instance="$instance"}': BOTH,
  'host.json: node_memory_MemAvailable_bytes{job="node", instance="$instance"}': BOTH,
  'host.json: node_load1{job="node", instance="$instance"}': MACOS,
  'host.json: node_load5{job="node", instance="$instance"}': MACOS,
  'host.json: node_load15{job="node", instance="$instance"}': MACOS,
  'host.json: instance:node_filesystem_usage:ratio{job="node", instance="$instance"}': BOTH,
  'host.json: rate(node_network_receive_bytes_total{job="node", instance="$instance", device!="lo"}[$__rate_interval])': BOTH,
  'host.json: rate(node_network_transmit_bytes_total{job="node", instance="$instance", device!="lo"}[$__rate_interval])': BOTH,
  'host.json: rate(node_disk_read_bytes_total{job="node", instance="$instance"}[$__rate_interval])': MACOS,
  'host.json: rate(node_disk_written_bytes_total{job="node", instance="$instance"}[$__rate_interval])': MACOS,
  'host.json $instance': BOTH,
};

interface Query { key: string; expr: string }

/** Reads the exporter: the prober's queries are not the fallback's business. */
const readsExporter = (expr: string): boolean => /\bnode_|job="node"/.test(expr);

/** An alert's condition as a 0/1 value per series, so "has data" does not depend on the threshold being crossed. */
const withoutThreshold = (expr: string): string => expr.replace(/\s(==|!=|>=|<=|>|<)\s+(?=[\d(])/g, ' $1 bool ');

function ruleQueries(): Query[] {
  return readdirSync(repoPath('prometheus/rules')).filter((f) => f.endsWith('.yml')).flatMap((file) =>
    (loadYaml(`prometheus/rules/${file}`).groups as Array<{ rules: Array<{ alert?: string; record?: string; expr: string }> }>).flatMap((group) =>
      group.rules.map((rule) => ({ key: `${file} ${rule.alert ?? rule.record}`, expr: withoutThreshold(rule.expr) }))));
}

interface DashboardJson {
  panels?: Array<{ targets?: Array<{ expr?: string }> }>;
  templating?: { list?: Array<{ name: string; query: string }> };
}

function dashboardQueries(): Query[] {
  const dir = repoPath('grafana/dashboards');
  return readdirSync(dir).filter((f) => f.endsWith('.json')).flatMap((file) => {
    const board = JSON.parse(readFileSync(join(dir, file), 'utf8')) as DashboardJson;
    const targets = (board.panels ?? []).flatMap((panel) => panel.targets ?? []).map(({ expr = '' }) => ({ key: `${file}: ${expr}`, expr }));
    const variables = (board.templating?.list ?? []).map((variable) => {
      const match = /^label_values\((.+), \w+\)$/.exec(variable.query);
      assert.ok(match, `${file} $${variable.name}: ${variable.query}`);
      return { key: `${file} $${variable.name}`, expr: match[1]! };
    });
    return [...targets, ...variables];
  });
}

test('with --collector.fallback, the shipped rules and dashboards have data off Linux as the table says', async (t) => {
  const macos = await startExporter(t, ['--collector.fallback', '--web.disable-exporter-metrics']);
  const windows = await startExporter(t, ['--collector.fallback', '--web.disable-exporter-metrics', '--no-collector.loadavg', '--no-collector.diskstats']);
  const instances: Record<Os, string> = { macos: `127.0.0.1:${macos.port}`, windows: `127.0.0.1:${windows.port}` };

  const dir = tempDir('fallback');
  // No prober here: its job points at a port nobody listens on.
  const prometheus = await startPrometheus(t, dir, { exporter: instances.macos, prober: `127.0.0.1:${await freePort()}`, scrapeInterval: '1s' });
  // The node job's target list is a file_sd file: put both exporters in it (written whole, then renamed into place).
  writeFileSync(join(dir, 'nodes.tmp'), stringify([{ targets: Object.values(instances), labels: { panel: 'local' } }]));
  renameSync(join(dir, 'nodes.tmp'), join(dir, 'nodes.yml'));

  const queries = [...ruleQueries(), ...dashboardQueries()].filter((query) => readsExporter(query.expr));
  assert.deepEqual(queries.map((q) => q.key).sort(), Object.keys(EXPECTED).sort(), 'the expected table lists every query that reads the exporter');

  /** A query naming `$instance` selects one exporter itself (and may aggregate its label away); others must show it. */
  const hasData = async (query: Query, os: Os): Promise<boolean> => {
    const expr = query.expr.replaceAll('$instance', instances[os]).replaceAll('$__rate_interval', '1m');
    const result = await instantQuery(prometheus.url, expr);
    return query.expr.includes('$instance') ? result.length > 0 : result.some((series) => series.metric.instance === instances[os]);
  };
  const actual = async (): Promise<Record<string, Os[]>> => {
    const found: Record<string, Os[]> = {};
    for (const query of queries) {
      found[query.key] = [];
      for (const os of BOTH) if (await hasData(query, os)) found[query.key]!.push(os);
    }
    return found;
  };
  let last: Record<string, Os[]> = {};
  await waitFor('every query the table expects to have data', async () => {
    last = await actual();
    return queries.every((query) => EXPECTED[query.key]!.every((os) => last[query.key]!.includes(os)));
  }, { timeoutMs: 60_000, intervalMs: 1_000 }).catch(() => undefined);
  assert.deepEqual(last, EXPECTED);

  // The fallback, not the /proc collectors, answered (boottime exists only there), and every collector succeeded.
  const collectors = await instantQuery(prometheus.url, 'node_scrape_collector_success{job="node"}');
  const succeeded = (os: Os): string[] => collectors.filter((s) => s.metric.instance === instances[os] && s.value[1] === '1').map((s) => s.metric.collector!).sort();
  const all = ['boottime', 'cpu', 'diskstats', 'filesystem', 'loadavg', 'meminfo', 'netdev', 'os', 'textfile', 'time', 'uname'];
  assert.deepEqual(succeeded('macos'), all);
  assert.deepEqual(succeeded('windows'), all.filter((name) => name !== 'loadavg' && name !== 'diskstats'));
});
