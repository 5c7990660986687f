/**
 * Debian's node_exporter and our systemd collector asking the same stand-in for systemd, on one private
 * dbus-daemon: the same families, types, HELP texts, labels and values, but for the listed 1.5 → 1.10 differences.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricFamilies, renderText } from '../../../common/metrics.js';
import { silentLogger } from '../../../common/logging.js';
import { systemdCollector } from '../../../exporter/collectors/systemd.js';
import { flagDefaults } from '../../../exporter/types.js';
import { startDbusDaemon, startFakeSystemd } from '../../helpers/dbus.js';
import { parseExposition, type Family } from '../../helpers/exposition.js';
import { nodeExporterText } from '../promtool.js';
import { fixturePaths } from './fixture.js';
import { MANAGER, UNITS } from './systemd-units.js';

/** Families 1.10 has and 1.5 has not. */
const NEW_IN_1_10 = new Map([['node_systemd_virtualization_info', '1.8 added the Virtualization property (node_exporter #3254)']]);

/** 1.10's default exclude; 1.5's also excluded targets. Both sides get it explicitly. */
const UNIT_EXCLUDE = '.+\\.(automount|device|mount|scope|slice)';
const FLAGS = ['enable-task-metrics', 'enable-restarts-metrics', 'enable-start-time-metrics'];

function systemdFamilies(families: Map<string, Family>): Map<string, Family> {
  return new Map([...families].filter(([name]) => name.startsWith('node_systemd_')));
}

test('systemd matches node_exporter 1.5 on the same bus, with every metric flag on, but for the listed differences', async (t) => {
  const daemon = await startDbusDaemon(t);
  await startFakeSystemd(t, daemon.address, { units: UNITS, manager: MANAGER });

  // node_exporter finds the system bus where D-Bus clients do: this test file runs in a process of its own.
  process.env.DBUS_SYSTEM_BUS_ADDRESS = daemon.address;
  const theirText = await nodeExporterText(t, [
    '--collector.disable-defaults',
    '--collector.systemd',
    `--collector.systemd.unit-exclude=${UNIT_EXCLUDE}`,
    ...FLAGS.map((flag) => `--collector.systemd.${flag}`),
  ]);
  delete process.env.DBUS_SYSTEM_BUS_ADDRESS;
  assert.match(theirText, /^node_scrape_collector_success\{collector="systemd"\} 1$/m, 'node_exporter reads the stand-in');

  const collector = systemdCollector.create({
    paths: fixturePaths,
    logger: silentLogger(),
    options: { ...flagDefaults(systemdCollector.flags), unitExclude: UNIT_EXCLUDE, taskMetrics: true, restartsMetrics: true, startTimeMetrics: true, busAddress: daemon.address },
  });
  const ours = new MetricFamilies();
  await collector.update(ours, AbortSignal.timeout(10_000));

  const them = systemdFamilies(parseExposition(theirText));
  const us = systemdFamilies(parseExposition(renderText(ours.families())));
  for (const [name] of NEW_IN_1_10) {
    assert.ok(us.has(name) && !them.has(name), `${name}: ${NEW_IN_1_10.get(name)}`);
    us.delete(name);
  }
  assert.deepEqual([...us.keys()].sort(), [...them.keys()].sort(), 'the same families');
  for (const [name, theirs] of them) {
    const mine = us.get(name) as Family;
    assert.equal(mine.type, theirs.type, `${name}: type`);
    assert.equal(mine.help, theirs.help, `${name}: HELP`);
    const key = (family: Family) => family.samples.map((s) => `${JSON.stringify(s.labels)} ${s.value}`).sort();
    assert.deepEqual(key(mine), key(theirs), `${name}: samples`);
  }
});
