/** Probe families encoded for the trip from a probe worker to the scheduler come back the same. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeMetric, MetricFamilies, renderText } from '../../../common/metrics.js';
import { FamilyDecoder, FamilyEncoder, unflatten } from '../../../prober/scheduler/family-codec.js';

const success = describeMetric('probe_success', 'Displays whether or not the probe was a success', 'gauge');
const phases = describeMetric('probe_http_duration_seconds', 'Duration of http request by phase', 'gauge', ['phase']);
const info = describeMetric('probe_tls_version_info', 'The TLS version used', 'gauge', ['version']);

function result(phaseValues: number[], withTls: boolean): MetricFamilies {
  const families = new MetricFamilies();
  families.add(success, 1);
  ['resolve', 'connect', 'tls'].forEach((phase, i) => families.add(phases, phaseValues[i]!, [phase]));
  if (withTls) families.add(info, 1, ['TLS 1.3']);
  return families;
}

test('families round-trip through a structured clone; descriptions travel once per name', () => {
  const encoder = new FamilyEncoder();
  const decoder = new FamilyDecoder();
  const first = encoder.encode(result([0.001, 0.002, 0], false));
  assert.deepEqual(first.descs.map((desc) => desc.name), ['probe_success', 'probe_http_duration_seconds']);
  const second = encoder.encode(result([0.003, 0.004, 0.005], true));
  assert.deepEqual(second.descs.map((desc) => desc.name), ['probe_tls_version_info'], 'only the new family is described');

  const decodedFirst = unflatten(decoder.flat(structuredClone(first)));
  const decodedSecond = unflatten(decoder.flat(structuredClone(second)));
  assert.equal(renderText(decodedFirst.families()), renderText(result([0.001, 0.002, 0], false).families()));
  assert.equal(renderText(decodedSecond.families()), renderText(result([0.003, 0.004, 0.005], true).families()));
  assert.equal(decodedFirst.byName.get('probe_success')!.desc, decodedSecond.byName.get('probe_success')!.desc, 'one description object per name');
});

test('a family whose description never came is an error, not a silent drop', () => {
  const encoded = new FamilyEncoder().encode(result([1, 2, 3], false));
  assert.throws(() => new FamilyDecoder().flat({ ...encoded, descs: [] }), /probe_success arrived before its description/);
});
