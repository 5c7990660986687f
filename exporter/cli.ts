#!/usr/bin/env -S node --max-semi-space-size=1 --max-old-space-size=64
/** `platypus-exporter`: node_exporter's command line, serving the host collectors. */
import {
  booleanFlag,
  commonFlags,
  durationFlag,
  integerFlag,
  optionalStringFlag,
  regexpFlag,
  runCli,
  stringFlag,
  type FlagSpec,
  type FlagValues,
} from '../common/flags.js';
import { createLogger } from '../common/logging.js';
import { closeOnSignals, listen } from '../common/server.js';
import { VERSION } from '../common/version.js';
import { buildExporterApp } from './app.js';
import { defaultCollectorOptions, hostCollectors } from './collectors/index.js';
import {
  DEFAULT_DISKSTATS_DEVICE_EXCLUDE,
  DEFAULT_FILESYSTEM_FS_TYPES_EXCLUDE,
  DEFAULT_FILESYSTEM_MOUNT_POINTS_EXCLUDE,
  DEFAULT_NETDEV_DEVICE_EXCLUDE,
  DEFAULT_VMSTAT_FIELDS,
} from './filters.js';
import type { CollectorOptions } from './types.js';

/** `--[no-]collector.NAME`: undefined unless given, so `--collector.disable-defaults` keeps the ones named. */
function collectorFlag(description: string, defaultEnabled: boolean): FlagSpec<boolean | undefined> {
  const flag = booleanFlag(description);
  return { ...flag, default: undefined, showDefault: () => (defaultEnabled ? 'enabled' : 'disabled') };
}

/** A regexp flag whose default applies only when its include/exclude partner is not given. */
function defaultedRegexpFlag(help: string, fallback: RegExp): FlagSpec<RegExp | undefined> {
  return { ...regexpFlag(help, undefined), showDefault: () => JSON.stringify(fallback.source) };
}

const defaults = defaultCollectorOptions();

const flags = {
  ...commonFlags(':9100'),
  'web.telemetry-path': stringFlag('Path under which to expose metrics.', '/metrics', '<path>'),
  'web.max-requests': integerFlag('Maximum number of parallel scrape requests. Use 0 to disable.', 40, { min: 0 }),
  'web.disable-exporter-metrics': booleanFlag('Exclude metrics about the exporter itself (process_*, promhttp_*).'),
  'collector.disable-defaults': booleanFlag('Set all collectors to disabled by default.'),
  'collector.filesystem.mount-points-exclude': regexpFlag('Regexp of mount points to exclude for filesystem collector.', DEFAULT_FILESYSTEM_MOUNT_POINTS_EXCLUDE),
  'collector.filesystem.fs-types-exclude': regexpFlag('Regexp of filesystem types to exclude for filesystem collector.', DEFAULT_FILESYSTEM_FS_TYPES_EXCLUDE),
  'collector.filesystem.mount-timeout': durationFlag('How long to wait for a mount to respond before marking it as stale.', defaults.filesystem.mountTimeoutSeconds),
  'collector.filesystem.stat-workers': integerFlag('Maximum number of concurrent stat calls.', defaults.filesystem.statWorkerCount, { min: 1 }),
  'collector.netdev.device-include': regexpFlag('Regexp of net devices to include (mutually exclusive to device-exclude).', undefined),
  'collector.netdev.device-exclude': defaultedRegexpFlag('Regexp of net devices to exclude (mutually exclusive to device-include).', DEFAULT_NETDEV_DEVICE_EXCLUDE),
  'collector.diskstats.device-include': regexpFlag('Regexp of diskstats devices to include (mutually exclusive to device-exclude).', undefined),
  'collector.diskstats.device-exclude': defaultedRegexpFlag('Regexp of diskstats devices to exclude (mutually exclusive to device-include).', DEFAULT_DISKSTATS_DEVICE_EXCLUDE),
  'collector.vmstat.fields': regexpFlag('Regexp of fields to return for vmstat collector.', DEFAULT_VMSTAT_FIELDS),
  'collector.textfile.directory': optionalStringFlag('Directory to read text files with metrics from.', '<dir>'),
  'path.procfs': stringFlag('procfs mountpoint.', '/proc', '<path>'),
  'path.sysfs': stringFlag('sysfs mountpoint.', '/sys', '<path>'),
  'path.rootfs': stringFlag('rootfs mountpoint.', '/', '<path>'),
  'path.udev.data': stringFlag('udev data path.', defaults.diskstats.udevDataPath, '<path>'),
  ...Object.fromEntries(
    hostCollectors.map((definition) => [
      `collector.${definition.name}`,
      collectorFlag(`Enable the ${definition.name} collector: ${definition.description}`, definition.defaultEnabled),
    ]),
  ),
} satisfies Record<string, FlagSpec<unknown>>;

type Values = FlagValues<typeof flags>;

/** The device filter pair: the default exclude applies only when neither side is given. */
function devicePair(include: RegExp | undefined, exclude: RegExp | undefined, fallback: RegExp) {
  return { deviceInclude: include, deviceExclude: include === undefined && exclude === undefined ? fallback : exclude };
}

function collectorOptions(values: Values): CollectorOptions {
  return {
    filesystem: {
      ...defaults.filesystem,
      mountPointsExclude: values['collector.filesystem.mount-points-exclude'] ?? DEFAULT_FILESYSTEM_MOUNT_POINTS_EXCLUDE,
      fsTypesExclude: values['collector.filesystem.fs-types-exclude'] ?? DEFAULT_FILESYSTEM_FS_TYPES_EXCLUDE,
      mountTimeoutSeconds: values['collector.filesystem.mount-timeout'],
      statWorkerCount: values['collector.filesystem.stat-workers'],
    },
    netdev: devicePair(values['collector.netdev.device-include'], values['collector.netdev.device-exclude'], DEFAULT_NETDEV_DEVICE_EXCLUDE),
    diskstats: {
      ...devicePair(values['collector.diskstats.device-include'], values['collector.diskstats.device-exclude'], DEFAULT_DISKSTATS_DEVICE_EXCLUDE),
      udevDataPath: values['path.udev.data'],
    },
    vmstat: { fields: values['collector.vmstat.fields'] ?? DEFAULT_VMSTAT_FIELDS },
    textfile: { directory: values['collector.textfile.directory'] },
  };
}

async function main(values: Values): Promise<void> {
  const logger = createLogger({ level: values['log.level'], format: values['log.format'] });
  const configPath = values['web.config.file'];
  // Loaded only when asked for: the YAML parser is a few MiB of RSS that most exporters never need.
  const webConfig = configPath === undefined ? undefined : (await import('../common/web-config.js')).loadWebConfig(configPath);
  const toggles = hostCollectors.map(({ name }) => [name, (values as Record<string, unknown>)[`collector.${name}`]] as const);
  logger.info({ version: VERSION }, 'Starting platypus-exporter');
  const app = buildExporterApp({
    logger,
    webConfig,
    telemetryPath: values['web.telemetry-path'],
    maxRequests: values['web.max-requests'],
    exporterMetrics: !values['web.disable-exporter-metrics'],
    disableDefaults: values['collector.disable-defaults'],
    enable: toggles.filter(([, on]) => on === true).map(([name]) => name),
    disable: toggles.filter(([, on]) => on === false).map(([name]) => name),
    paths: { procfs: values['path.procfs'], sysfs: values['path.sysfs'], rootfs: values['path.rootfs'] },
    collectorOptions: collectorOptions(values),
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
