/** Result shapes: targets whose probes return the same families and labels share one shape. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeMetric, MetricFamilies } from '../../../common/metrics.js';
import { ShapeTable } from '../../../prober/scheduler/result-shape.js';

const success = describeMetric('probe_success', 'success', 'gauge');
const phases = describeMetric('probe_http_duration_seconds', 'phases', 'gauge', ['phase']);
const failure = describeMetric('probe_failure_info', 'reason', 'gauge', ['reason']);

function result(ok: boolean, connect: number): MetricFamilies {
  const families = new MetricFamilies();
  families.add(phases, 0.001, ['resolve']);
  families.add(phases, connect, ['connect']);
  families.add(success, ok ? 1 : 0);
  if (!ok) families.add(failure, 1, ['say "no"\n']);
  families.add(phases, 0, ['']);
  return families;
}

test('equal families and label values share a shape; each target keeps its own values', () => {
  const table = new ShapeTable();
  const a = table.intern(result(true, 0.002));
  const b = table.intern(result(true, 0.003));
  const c = table.intern(result(false, 0.004));
  assert.equal(a.shape, b.shape);
  assert.notEqual(a.shape, c.shape);
  assert.equal(table.size, 2);
  assert.deepEqual([...a.values], [0.001, 0.002, 0, 1]);
  assert.deepEqual([...b.values], [0.001, 0.003, 0, 1]);
  assert.deepEqual([...c.values], [0.001, 0.004, 0, 0, 1]);
  // An empty label value is left out rather than written as phase="".
  assert.deepEqual(a.shape.families.get('probe_http_duration_seconds')?.labelSuffixes, [',phase="resolve"', ',phase="connect"', '']);
  assert.deepEqual(c.shape.families.get('probe_failure_info'), { desc: failure, start: 4, end: 5, labelSuffixes: [',reason="say \\"no\\"\\n"'] });
  assert.deepEqual([...table.descs.keys()], ['probe_http_duration_seconds', 'probe_success', 'probe_failure_info']);
});

test('a shape nobody uses any more is forgotten', () => {
  const table = new ShapeTable();
  const a = table.intern(result(false, 0.002));
  const b = table.intern(result(false, 0.002));
  table.release(a.shape);
  assert.equal(table.size, 1);
  table.release(b.shape);
  assert.equal(table.size, 0);
  assert.notEqual(table.intern(result(false, 0.002)).shape, a.shape);
});
