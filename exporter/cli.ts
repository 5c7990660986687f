#!/usr/bin/env -S node --max-semi-space-size=1 --max-old-space-size=64
/** `platypus-exporter`: node_exporter's command line, serving the host collectors. */
import { booleanFlag, commonFlags, durationFlag, integerFlag, runCli, stringFlag, type FlagValues } from '../common/flags.js';
import { createLogger } from '../common/logging.js';
import { closeOnSignals, listen } from '../common/server.js';
import { VERSION } from '../common/version.js';
import { buildExporterApp } from './app.js';
import { collectorFlagSpecs, collectorSettings } from './collector-flags.js';
import { collectorTable, fallbackCollectors, hostCollectors } from './collectors/index.js';

const exporterFlags = {
  ...commonFlags(':9100'),
  'web.telemetry-path': stringFlag('Path under which to expose metrics.', '/metrics', '<path>'),
  'web.max-requests': integerFlag('Maximum number of parallel scrape requests. Use 0 to disable.', 40, { min: 0 }),
  'web.disable-exporter-metrics': booleanFlag('Exclude metrics about the exporter itself (process_*, promhttp_*).'),
  'collector.disable-defaults': booleanFlag('Set all collectors to disabled by default.'),
  'collector.timeout': durationFlag('A collector still running after this long fails for that scrape (success 0); the others are kept.', 9),
  'collector.fallback': booleanFlag('Serve the portable fallback collectors (systeminformation, as on macOS and Windows) even where /proc exists.'),
  'path.procfs': stringFlag('procfs mountpoint.', '/proc', '<path>'),
  'path.sysfs': stringFlag('sysfs mountpoint.', '/sys', '<path>'),
  'path.rootfs': stringFlag('rootfs mountpoint.', '/', '<path>'),
};

// The fallback table's own collectors (e.g. boottime) get flags too, so `--collector.fallback` can be tuned like the rest.
const fallbackOnly = fallbackCollectors.filter((fallback) => !hostCollectors.some((definition) => definition.name === fallback.name));
const flags = { ...exporterFlags, ...collectorFlagSpecs([...hostCollectors, ...fallbackOnly]) };

type Values = FlagValues<typeof exporterFlags> & Record<string, unknown>;

async function main(values: Values): Promise<void> {
  const logger = createLogger({ level: values['log.level'], format: values['log.format'] });
  const configPath = values['web.config.file'];
  // Loaded only when asked for: the YAML parser is a few MiB of RSS that most exporters never need.
  const webConfig = configPath === undefined ? undefined : (await import('../common/web-config.js')).loadWebConfig(configPath);
  const fallback = values['collector.fallback'];
  const { enable, disable, options } = collectorSettings(collectorTable({ fallback }), values);
  logger.info({ version: VERSION }, 'Starting platypus-exporter');
  const app = buildExporterApp({
    logger,
    webConfig,
    telemetryPath: values['web.telemetry-path'],
    maxRequests: values['web.max-requests'],
    exporterMetrics: !values['web.disable-exporter-metrics'],
    disableDefaults: values['collector.disable-defaults'],
    fallback,
    enable,
    disable,
    paths: { procfs: values['path.procfs'], sysfs: values['path.sysfs'], rootfs: values['path.rootfs'] },
    collectorOptions: options,
    collectorTimeoutMs: values['collector.timeout'] * 1000,
  });
  await listen(app, values['web.listen-address']);
  closeOnSignals(app);
}

await runCli(
  { name: 'platypus-exporter', description: 'A Prometheus exporter for hardware and OS metrics, compatible with node_exporter.', version: VERSION },
  flags,
  process.argv.slice(2),
  main,
);
