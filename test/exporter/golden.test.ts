import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { linuxCollectors } from '../../exporter/collectors/index.js';
import { DEFAULT_NETSTAT_FIELDS } from '../../exporter/collectors/netstat.js';
import { FIXTURE_ARGS } from './exporter-process.js';
import { fixtureSystemBus, GOLDEN_PATH, goldenOutput } from './golden.js';
import { nodeExporterCollectors, nodeExporterText, promtoolProblems } from './promtool.js';

test('the exporter on the fixture tree matches the golden exposition (npm run golden:update rewrites it)', async (t) => {
  const actual = await goldenOutput(t);
  assert.equal(actual, readFileSync(GOLDEN_PATH, 'utf8'));
});

test('promtool check metrics on the golden exposition: only what it says of node_exporter 1.5 on the same fixtures', async (t) => {
  // Masked values become 0 so that the text parses.
  const golden = readFileSync(GOLDEN_PATH, 'utf8').replace(/ \*$/gm, ' 0');
  const known = nodeExporterCollectors();
  const theirs = await nodeExporterText(t, [
    ...FIXTURE_ARGS.filter((arg) => arg.startsWith('--path.') || arg.startsWith('--collector.textfile.')),
    '--collector.disable-defaults',
    ...linuxCollectors.filter((definition) => known.has(definition.name)).map((definition) => `--collector.${definition.name}`),
    `--collector.netstat.fields=${DEFAULT_NETSTAT_FIELDS.source}`,
  ], await fixtureSystemBus(t));
  // node_exporter's own names: camelCase meminfo and netstat fields, entropy in bits, a systemd gauge named _total.
  const allowed = new Set(await promtoolProblems(theirs));
  assert.ok([...allowed].every((line) => /^node_((memory|netstat|entropy)_|systemd_socket_refused_connections_total )/.test(line)), [...allowed].join('\n'));
  assert.ok([...allowed].some((line) => line.startsWith('node_systemd_')), "node_exporter's systemd collector read the stand-in");
  const problems = await promtoolProblems(golden);
  assert.deepEqual(problems.filter((line) => !allowed.has(line)), []);
  assert.ok(problems.some((line) => line.startsWith('node_netstat_')), 'promtool ran and saw the netstat families');
});
