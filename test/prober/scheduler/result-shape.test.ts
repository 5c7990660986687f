/** Result shapes: targets whose probes return the same families and labels share one shape. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeMetric, MetricFamilies } from '../../../common/metrics.js';
import { FamilyDecoder, FamilyEncoder, flatten } from '../../../prober/scheduler/family-codec.js';
import { ShapeTable, SUMMARY_FAMILIES } from '../../../prober/scheduler/result-shape.js';

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
  const a = table.intern(flatten(result(true, 0.002)));
  const b = table.intern(flatten(result(true, 0.003)));
  const c = table.intern(flatten(result(false, 0.004)));
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
  const a = table.intern(flatten(result(false, 0.002)));
  const b = table.intern(flatten(result(false, 0.002)));
  table.release(a.shape);
  assert.equal(table.size, 1);
  table.release(b.shape);
  assert.equal(table.size, 0);
  assert.notEqual(table.intern(flatten(result(false, 0.002))).shape, a.shape);
});

test("a worker's flat answer is stored as it came; with a kept set only those families and values are", () => {
  const encoder = new FamilyEncoder();
  const flat = new FamilyDecoder().flat(structuredClone(encoder.encode(result(false, 0.004))));
  const all = new ShapeTable().intern(flat);
  assert.equal(all.values, flat.values, 'no copy of the values');
  assert.deepEqual(all.shape.key, new ShapeTable().intern(flatten(result(false, 0.004))).shape.key, 'the same shape as from the objects');
  const summary = new ShapeTable(SUMMARY_FAMILIES).intern(flat);
  assert.deepEqual([...summary.shape.families.keys()], ['probe_success', 'probe_failure_info']);
  assert.deepEqual([...summary.values], [0, 1]);
  assert.deepEqual(summary.shape.families.get('probe_failure_info')?.start, 1);
});
