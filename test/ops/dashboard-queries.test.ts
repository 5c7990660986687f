// Every query of every shipped dashboard (variables substituted), and every metric the shipped rules
// read, returns data from a real Prometheus, running the shipped rules, that scrapes the real
// exporter and the real prober's scheduler checking an HTTP panel, an HTTPS panel and a panel that
// is down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { DASHBOARDS } from '../../grafana/src/dashboards.js';
import { dashboardQueries, withVariables } from './dashboards.js';
import { createTestCA, tempDir as tlsTempDir } from '../helpers/tls.js';
import { freePort } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait.js';
import { readdirSync } from 'node:fs';
import { instantQuery, loadYaml, repoPath, startExporter, startPrometheus, startProber, tempDir, writePanels } from './stack.js';

test('every dashboard query and every metric the rules read returns data from the real stack', async (t) => {
  const ok = createHttpServer((_req, res) => res.end('ok'));
  ok.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => ok.listen(0, '127.0.0.1', resolve));
  t.after(() => { ok.closeAllConnections(); ok.close(); });
  const ca = createTestCA(tlsTempDir(t));
  const leaf = ca.issue({ ips: ['127.0.0.1'], notAfter: new Date(Date.now() + 30 * 86_400_000) });
  const tls = createHttpsServer({ cert: leaf.cert, key: leaf.key }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  t.after(() => { tls.closeAllConnections(); tls.close(); });
  const closedPort = await freePort();

  const dir = tempDir('dashboards');
  const panelsFile = join(dir, 'panels.json');
  writePanels(panelsFile, {
    [`http://127.0.0.1:${(ok.address() as AddressInfo).port}/`]: { panel: 'up' },
    [`http://127.0.0.1:${closedPort}/`]: { panel: 'down' },
  });
  const timing = { interval: '1s', timeout: '1s', retries: 1, retry_interval: '200ms' };
  const exporter = await startExporter(t);
  const prober = await startProber(t, dir, {
    timing,
    panelsFile,
    modules: { https_test_ca: { prober: 'http', timeout: '1s', http: { tls_config: { ca_file: ca.certPath } } } },
    extraGroups: [{ name: 'tls', module: 'https_test_ca', ...timing, targets: [`https://127.0.0.1:${(tls.address() as AddressInfo).port}/`], labels: { panel: 'tls' } }],
  });
  const prometheus = await startPrometheus(t, dir, { exporter: exporter.address, prober: prober.address, scrapeInterval: '1s' });

  const queries = dashboardQueries();
  assert.ok(queries.length >= 20, `only ${queries.length} queries`);
  const substitute = (expr: string): string => withVariables(expr, exporter.address);
  const empty = new Set(queries);
  await waitFor('every dashboard query to return data', async () => {
    for (const query of [...empty]) {
      if ((await instantQuery(prometheus.url, substitute(query.expr))).length > 0) empty.delete(query);
    }
    return empty.size === 0;
  }, { timeoutMs: 45_000, intervalMs: 1_000 }).catch(() => undefined);
  assert.deepEqual([...empty].map((q) => `${q.dashboard} / ${q.panel}: ${q.expr}`), []);

  // Every series the shipped rules read exists (exporter and prober names as the rules spell them).
  const ruleMetrics = new Set(readdirSync(repoPath('prometheus/rules')).flatMap((file) =>
    (loadYaml(`prometheus/rules/${file}`).groups as Array<{ rules: Array<{ expr: string }> }>)
      .flatMap((group) => group.rules.flatMap((rule) => rule.expr.match(/(?<![:\w])(?:(?:node|probe)_[a-zA-Z0-9_]+|up)(?![:\w])/g) ?? []))));
  assert.ok(ruleMetrics.size >= 15, [...ruleMetrics].join(' '));
  const missing: string[] = [];
  for (const name of ruleMetrics) {
    if ((await instantQuery(prometheus.url, `count(${name})`)).length === 0) missing.push(name);
  }
  assert.deepEqual(missing, [], 'metrics the rules read but nobody exposes');

  // The variables' own queries: label_values(metric, label) has values.
  for (const build of Object.values(DASHBOARDS)) {
    for (const variable of build().templating?.list ?? []) {
      const match = /^label_values\((.+), (\w+)\)$/.exec(String(variable.query));
      assert.ok(match, `${variable.name}: ${String(variable.query)}`);
      const series = await instantQuery(prometheus.url, match[1]!);
      assert.ok(series.some((s) => s.metric[match[2]!] !== undefined), `no values for $${variable.name}`);
    }
  }
});
