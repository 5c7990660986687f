/** The golden exposition: the whole exporter CLI on the fixture tree, shared by the test and `npm run golden:update`. */
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { FIXTURE_ARGS, normalizeGolden, ROOT, scrapeFixtures, startExporter } from './exporter-process.js';

export const GOLDEN_PATH = join(ROOT, 'test/fixtures/exporter-e2e/output.prom');

export async function goldenOutput(t: TestContext): Promise<string> {
  const exporter = await startExporter(t, FIXTURE_ARGS);
  return normalizeGolden(await scrapeFixtures(exporter));
}
