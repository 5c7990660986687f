/** The golden exposition: the whole exporter CLI on the fixture tree, shared by the test and `npm run golden:update`. */
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { startDbusDaemon, startFakeSystemd } from '../helpers/dbus.js';
import { MANAGER, UNITS } from './collectors/systemd-units.js';
import { FIXTURE_ARGS, normalizeGolden, ROOT, scrapeFixtures, startExporter } from './exporter-process.js';

export const GOLDEN_PATH = join(ROOT, 'test/fixtures/exporter-e2e/output.prom');

/** systemd's units come from a stand-in for systemd on a private dbus-daemon, found as the system bus. */
export async function fixtureSystemBus(t: TestContext): Promise<NodeJS.ProcessEnv> {
  const daemon = await startDbusDaemon(t);
  await startFakeSystemd(t, daemon.address, { units: UNITS, manager: MANAGER });
  return { DBUS_SYSTEM_BUS_ADDRESS: daemon.address };
}

export async function goldenOutput(t: TestContext): Promise<string> {
  const exporter = await startExporter(t, [...FIXTURE_ARGS, '--collector.systemd'], { env: await fixtureSystemBus(t) });
  return normalizeGolden(await scrapeFixtures(exporter));
}
