/** Runs a collector against the captured fixture tree and renders what it added. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger, type Logger } from '../../../common/logging.js';
import { MetricFamilies, renderText } from '../../../common/metrics.js';
import { defaultCollectorOptions, optionsFor, type CollectorOptions } from '../../../exporter/collectors/index.js';
import type { Collector, CollectorDefinition, HostPaths } from '../../../exporter/types.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/exporter/', import.meta.url));

export const fixturePaths: HostPaths = Object.freeze({
  procfs: join(FIXTURES, 'proc'),
  sysfs: join(FIXTURES, 'sys'),
  rootfs: join(FIXTURES, 'rootfs'),
});

export function fixtureOptions(): CollectorOptions {
  const options = defaultCollectorOptions();
  options.diskstats.udevDataPath = join(FIXTURES, 'udev');
  // The expected sockstat output assumes 4 KiB pages, whatever this host's are.
  options.sockstat.pageSize = 4096;
  return options;
}

export function createCollector(
  definition: CollectorDefinition,
  { paths = fixturePaths, options = fixtureOptions(), logger = silentLogger() }: { paths?: HostPaths; options?: CollectorOptions; logger?: Logger } = {},
): Collector {
  return definition.create({ paths, options: optionsFor(definition, options), logger });
}

export async function scrapeFamilies(collector: Collector, signal = AbortSignal.timeout(10_000)): Promise<MetricFamilies> {
  const families = new MetricFamilies();
  await collector.update(families, signal);
  return families;
}

export async function scrape(collector: Collector, signal?: AbortSignal): Promise<string> {
  return renderText((await scrapeFamilies(collector, signal)).families());
}

export function expected(name: string): string {
  return readFileSync(join(FIXTURES, 'expected', name), 'utf8');
}
