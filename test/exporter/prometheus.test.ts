/** A real Prometheus scrapes the real exporter: target up, the usual dashboard queries return data. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../helpers/ports.js';
import { requireBinary, startProcess, waitForHttp } from '../helpers/process.js';
import { tempDir } from '../helpers/tls.js';
import { waitFor } from '../helpers/wait.js';
import { startExporter } from './exporter-process.js';

interface QueryResult {
  status: string;
  data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
}

test('Prometheus scrapes the exporter: target up, node_* queries return data', async (t) => {
  const binary = requireBinary('prometheus', 'prometheus');
  const exporter = await startExporter(t, []);
  const dir = tempDir(t, 'platypus-prometheus-');
  const configPath = join(dir, 'prometheus.yml');
  writeFileSync(
    configPath,
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: node',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${exporter.port}']`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const prometheus = startProcess(t, binary, [
    `--config.file=${configPath}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
  await waitForHttp(prometheus, `${base}/-/ready`, 30_000);

  const query = async (expression: string): Promise<QueryResult['data']['result']> => {
    const response = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expression)}`);
    const body = (await response.json()) as QueryResult;
    assert.equal(body.status, 'success', expression);
    return body.data.result;
  };

  await waitFor('the target to be up', async () => (await query('up{job="node"}'))[0]?.value[1] === '1', { timeoutMs: 30_000, intervalMs: 250 });
  const targets = (await (await fetch(`${base}/api/v1/targets`)).json()) as { data: { activeTargets: Array<{ health: string; lastError: string }> } };
  assert.deepEqual(targets.data.activeTargets.map(({ health, lastError }) => ({ health, lastError })), [{ health: 'up', lastError: '' }]);

  const cpu = await query('node_cpu_seconds_total{mode="idle"}');
  assert.ok(cpu.length > 0 && Number(cpu[0]!.value[1]) > 0);
  assert.ok(Number((await query('node_memory_MemAvailable_bytes'))[0]?.value[1]) > 0);
  assert.ok((await query('node_filesystem_avail_bytes{mountpoint="/"}')).length === 1);
  const uname = await query('node_uname_info');
  assert.equal(uname.length, 1);
  assert.ok(uname[0]!.metric.sysname === 'Linux' && uname[0]!.metric.nodename !== '');
  // rate() needs two samples of a counter that kept its name through Prometheus' OpenMetrics scrapes.
  await waitFor('a CPU rate', async () => (await query('sum(rate(node_cpu_seconds_total[5s]))')).length === 1, { timeoutMs: 20_000, intervalMs: 250 });
  // Hardware collectors (bonding, nvme, rapl, …) find nothing on a host without that hardware; the core ones must not fail.
  assert.equal((await query('node_scrape_collector_success{collector=~"cpu|diskstats|filesystem|loadavg|meminfo|netdev|stat|uname|vmstat"} == 0')).length, 0);
  assert.ok((await query('node_scrape_collector_success == 1')).length > 20);
});
