// The committed dashboard JSON is what the TypeScript builders generate, and every panel reads the
// provisioned Prometheus datasource.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { DASHBOARDS, dashboardJson } from '../../grafana/src/dashboards.js';
import { loadYaml, repoPath } from './stack.js';

test('grafana/dashboards/*.json are exactly what grafana/src generates (node --import tsx grafana/src/generate.ts)', () => {
  const committed = readdirSync(repoPath('grafana/dashboards')).filter((f) => f.endsWith('.json')).sort();
  assert.deepEqual(committed, Object.keys(DASHBOARDS).sort());
  for (const [file, build] of Object.entries(DASHBOARDS)) {
    assert.equal(readFileSync(repoPath(`grafana/dashboards/${file}`), 'utf8'), dashboardJson(build), `${file} is out of date`);
  }
});

test('every panel and variable uses the provisioned datasource, and uids are unique', () => {
  const provisioned = (loadYaml('grafana/provisioning/datasources/prometheus.yml').datasources as Array<{ uid: string }>)[0]!.uid;
  const uids = new Set<string>();
  for (const build of Object.values(DASHBOARDS)) {
    const board = build();
    assert.ok(board.uid !== undefined && !uids.has(board.uid), `uid ${board.uid}`);
    uids.add(board.uid);
    for (const panel of board.panels ?? []) {
      if (panel.type === 'row') continue;
      assert.equal(panel.datasource?.uid, provisioned, `${board.title} / ${'title' in panel ? panel.title : ''}`);
    }
    for (const variable of board.templating?.list ?? []) assert.equal(variable.datasource?.uid, provisioned);
  }
});
