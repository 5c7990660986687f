#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=50 --liftoff-only
/** `platypus-prober`: blackbox_exporter's command line, serving /probe and the prober's own metrics. */
import {
  booleanFlag,
  commonFlags,
  integerFlag,
  optionalStringFlag,
  repeatableStringFlag,
  runCli,
  type FlagSpec,
  type FlagValues,
} from '../common/flags.js';
import { createLogger } from '../common/logging.js';
import { closeOnSignals, listen } from '../common/server.js';
import { VERSION } from '../common/version.js';
import { loadWebConfig } from '../common/web-config.js';
import { guardProbeCrashes } from './boundary.js';
import { buildProberApp } from './server/app.js';
import { ConfigStore } from './config-store.js';
import { DEFAULT_MAX_CONCURRENT_PROBES } from './server/plugin.js';
import { createTargetPolicy, DEFAULT_DENIED_HOSTS, DEFAULT_DENIED_NETWORKS, type TargetPolicyOptions } from './net/policy.js';
import { DEFAULT_TIMEOUT_OFFSET_SECONDS } from './probe.js';
import { PROTOCOL_TITLES } from './protocols.js';
import { probeWorkersFlag } from './scheduler/auto-workers.js';
import { SchedulerService } from './scheduler/service.js';
import { parseShard, type Shard } from './scheduler/shard.js';
import { baseUrl } from '../common/http-read.js';
import { DEFAULT_SOURCE_TIMEOUT_MS } from './server/status-page/sources.js';

function secondsFlag(help: string, defaultValue: number): FlagSpec<number> {
  return {
    help,
    default: defaultValue,
    placeholder: '<seconds>',
    parse(text) {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value) || value < 0) throw new Error('expected a non-negative number of seconds');
      return value;
    },
    showDefault: String,
  };
}

const shardFlag: FlagSpec<Shard | undefined> = {
  help: "Check only this share of the scheduler's targets: those whose hash modulo <count> is <index> (overrides the config's scheduler.shard).",
  default: undefined,
  placeholder: '<index>/<count>',
  parse: parseShard,
  showDefault: () => undefined,
};

const flags = {
  'config.file': optionalStringFlag('Blackbox exporter configuration file (default: built-in http_2xx, tcp_connect, dns and icmp modules).', '<path>'),
  'config.check': booleanFlag('If true validate the config file and then exit.'),
  ...commonFlags(':9115'),
  'timeout-offset': secondsFlag('Offset to subtract from timeout in seconds.', DEFAULT_TIMEOUT_OFFSET_SECONDS),
  'probe.max-concurrent': integerFlag('Maximum number of /probe requests probing at once; beyond it 503.', DEFAULT_MAX_CONCURRENT_PROBES, { min: 1 }),
  'probe.allow-cidr': repeatableStringFlag('Only probe targets whose addresses are in this network (repeatable; default: any not denied).', '<cidr>'),
  'probe.allow-host': repeatableStringFlag('Probe this host name (example.com, *.example.com) whatever it resolves to, unless denied (repeatable).', '<host>'),
  'probe.deny-cidr': repeatableStringFlag(`Never probe addresses in this network (repeatable; added to ${DEFAULT_DENIED_NETWORKS.join(', ')}).`, '<cidr>'),
  'probe.deny-host': repeatableStringFlag(`Never probe this host name (repeatable; added to ${DEFAULT_DENIED_HOSTS.join(', ')}).`, '<host>'),
  'scheduler.probe-workers': probeWorkersFlag,
  'scheduler.probe-details': booleanFlag(
    "Export every family of each target's latest probe on /metrics (phases, status code, TLS, ...); --no-scheduler.probe-details keeps probe_success, probe_duration_seconds, probe_failure_info and probe_ssl_earliest_cert_expiry.",
    true,
  ),
  'web.public-status-page': booleanFlag('Serve the status page (/, /api/v1/targets and /api/v1/status) without basic auth; /probe, /config and /metrics keep the web config.'),
  'web.public-status-page.hide-errors': booleanFlag('Leave failure reasons and status codes out of the status page and /api/v1/targets.'),
  'status-page.peer': repeatableStringFlag("Another prober (another location) whose /api/v1/targets the status page shows too, e.g. http://prober-ams:9115/ (repeatable).", '<url>'),
  'status-page.alertmanager-url': repeatableStringFlag('Alertmanager whose active silences show as maintenance on the status page and keep failed checks inside them out of availability (repeatable: the HA pair; the first to answer wins).', '<url>'),
  'status-page.timeout': secondsFlag('Bound on each read of a peer or Alertmanager by the status page; one that does not answer in time is shown as unreachable.', DEFAULT_SOURCE_TIMEOUT_MS / 1000),
  'scheduler.state-file': optionalStringFlag('Keep the availability history (24 h, 7 d) in this JSON file across restarts; written every minute and at shutdown.', '<path>'),
  'scheduler.shard': shardFlag,
  location: optionalStringFlag('Adds location="<name>" to every series of the scheduler (overrides the config\'s scheduler.location).', '<name>'),
} satisfies Record<string, FlagSpec<unknown>>;

type Values = FlagValues<typeof flags>;

/** The `--probe.*` flags as policy options, checked; /probe and the scheduler (its workers too) apply them. */
function targetPolicyOptions(values: Values): TargetPolicyOptions {
  const options = {
    allow: values['probe.allow-cidr'],
    allowHosts: values['probe.allow-host'],
    deny: [...DEFAULT_DENIED_NETWORKS, ...values['probe.deny-cidr']],
    denyHosts: [...DEFAULT_DENIED_HOSTS, ...values['probe.deny-host']],
  };
  try {
    createTargetPolicy(options);
  } catch (error) {
    throw new Error(`invalid --probe.* flag: ${(error as Error).message}`, { cause: error });
  }
  return options;
}

function checkedUrls(flag: string, urls: string[]): string[] {
  for (const url of urls) {
    try {
      baseUrl(url);
    } catch (error) {
      throw new Error(`invalid ${flag}: ${(error as Error).message}`, { cause: error });
    }
  }
  return urls;
}

async function main(values: Values): Promise<void> {
  const logger = createLogger({ level: values['log.level'], format: values['log.format'] });
  const path = values['config.file'];
  if (values['config.check']) {
    await ConfigStore.open({ path });
    process.stdout.write(`Config file ${path ?? '(built-in defaults)'} is ok, exiting...\n`);
    return;
  }
  guardProbeCrashes(logger);
  const policyOptions = targetPolicyOptions(values);
  const statusPagePeers = checkedUrls('--status-page.peer', values['status-page.peer']);
  const statusPageAlertmanagers = checkedUrls('--status-page.alertmanager-url', values['status-page.alertmanager-url']);
  const webConfigPath = values['web.config.file'];
  const webConfig = webConfigPath === undefined ? undefined : loadWebConfig(webConfigPath);
  logger.info({ version: VERSION }, 'Starting platypus-prober');
  const store = await ConfigStore.open({ path, logger });
  logger.info({ file: path ?? '(built-in defaults)' }, 'Loaded config file');
  const scheduler = new SchedulerService({
    config: () => store.current,
    location: values.location,
    shard: values['scheduler.shard'],
    logger,
    probeWorkers: values['scheduler.probe-workers'],
    policy: policyOptions,
    publicStatusPage: values['web.public-status-page'],
    hideErrors: values['web.public-status-page.hide-errors'],
    stateFile: values['scheduler.state-file'],
    statusPagePeers,
    statusPageAlertmanagers,
    statusPageTimeoutMs: values['status-page.timeout'] * 1000,
    probeDetails: values['scheduler.probe-details'],
  });
  await scheduler.apply(store.current);
  store.onChange((config) => scheduler.apply(config));
  const app = buildProberApp({
    scheduler,
    store,
    logger,
    webConfig,
    policy: createTargetPolicy(policyOptions),
    timeoutOffsetSeconds: values['timeout-offset'],
    maxConcurrentProbes: values['probe.max-concurrent'],
  });
  process.on('SIGHUP', () => {
    // A failure is logged by the store, which keeps the last good config.
    store.reload().catch(() => undefined);
  });
  await listen(app, values['web.listen-address']);
  closeOnSignals(app);
}

await runCli(
  { name: 'platypus-prober', description: `Probes endpoints over ${PROTOCOL_TITLES}; compatible with blackbox_exporter.`, version: VERSION },
  flags,
  process.argv.slice(2),
  main,
);
