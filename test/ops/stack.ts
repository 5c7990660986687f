// The shipped Prometheus / Alertmanager / prober configuration, loaded as files and changed only in
// intervals and addresses so tests run the real thing on loopback.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { parse, stringify } from 'yaml';
import { freePort } from '../helpers/ports.js';
import { requireBinary, startProcess, waitForHttp, type RunningProcess } from '../helpers/process.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const repoPath = (path: string): string => join(ROOT, path);

type Yaml = Record<string, unknown>;

export function loadYaml(path: string): Yaml {
  return parse(readFileSync(repoPath(path), 'utf8')) as Yaml;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `platypus-${prefix}-`));
}

export interface AlertmanagerOverrides {
  slackUrl: string;
  smarthost: string;
  /** Where Watchdog pings go (default: a closed port; it fires only when Prometheus runs the rules). */
  deadMansSwitchUrl?: string;
  /** Replaces the route's group_wait / group_interval (the shipped ones are 15s / 15s). */
  groupWait?: string;
  groupInterval?: string;
  /** Where the notifier's webhook is; without it, the config runs without the notifier (withoutNotifier). */
  notifierUrl?: string;
}

/**
 * alertmanager.yml run without the notifier, as docs/stack.md tells the operator: the route to the
 * `notifier` receiver deleted, so that the fallback routes (Alertmanager's own receivers) deliver.
 */
export function withoutNotifier(config: Yaml): Yaml {
  const route = config.route as { routes: Array<{ receiver?: string }> };
  route.routes = route.routes.filter((child) => child.receiver !== 'notifier');
  config.receivers = (config.receivers as Array<{ name: string }>).filter((receiver) => receiver.name !== 'notifier');
  return config;
}

/** alertmanager.yml as shipped, with secrets in temp files and the local Slack and SMTP sinks. */
export function alertmanagerConfig(dir: string, overrides: AlertmanagerOverrides): string {
  const config = loadYaml('alertmanager/alertmanager.yml');
  const global = config.global as Yaml;
  const slackSecret = join(dir, 'slack_webhook_url');
  const smtpSecret = join(dir, 'smtp_password');
  writeFileSync(slackSecret, `${overrides.slackUrl}\n`);
  writeFileSync(smtpSecret, 'test-password\n');
  global.slack_api_url_file = slackSecret;
  const deadMansSwitchSecret = join(dir, 'deadmansswitch_url');
  writeFileSync(deadMansSwitchSecret, `${overrides.deadMansSwitchUrl ?? 'http://127.0.0.1:9/ping'}\n`);
  const deadMansSwitch = (config.receivers as Array<{ name: string; slack_configs: Yaml[] }>).find((r) => r.name === 'deadmansswitch')!;
  deadMansSwitch.slack_configs[0]!.api_url_file = deadMansSwitchSecret;
  global.smtp_auth_password_file = smtpSecret;
  global.smtp_smarthost = overrides.smarthost;
  global.smtp_require_tls = false;
  config.templates = [repoPath('alertmanager/templates/*.tmpl')];
  if (overrides.notifierUrl === undefined) withoutNotifier(config);
  else (config.receivers as Array<{ name: string; webhook_configs?: Yaml[] }>).find((r) => r.name === 'notifier')!.webhook_configs![0]!.url = overrides.notifierUrl;
  const route = config.route as Yaml;
  if (overrides.groupWait !== undefined) route.group_wait = overrides.groupWait;
  if (overrides.groupInterval !== undefined) route.group_interval = overrides.groupInterval;
  const file = join(dir, 'alertmanager.yml');
  writeFileSync(file, stringify(config));
  return file;
}

export interface RunningAlertmanager {
  url: string;
  process: RunningProcess;
  clusterAddress: string | undefined;
}

/** A real Alertmanager on loopback; single node unless `cluster` is given. */
export async function startAlertmanager(
  t: TestContext,
  configFile: string,
  cluster?: { peers: string[] },
): Promise<RunningAlertmanager> {
  const binary = requireBinary('prometheus-alertmanager', 'prometheus-alertmanager');
  const port = await freePort();
  const clusterAddress = cluster === undefined ? undefined : `127.0.0.1:${await freePort()}`;
  const args = [
    `--config.file=${configFile}`,
    `--storage.path=${tempDir('am-data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--cluster.listen-address=${clusterAddress ?? ''}`,
    ...(cluster?.peers.map((peer) => `--cluster.peer=${peer}`) ?? []),
    ...(cluster === undefined ? [] : ['--cluster.settle-timeout=2s', '--cluster.pushpull-interval=2s', '--cluster.gossip-interval=50ms', '--cluster.peer-timeout=1s']),
  ];
  const url = `http://127.0.0.1:${port}`;
  const running = startProcess(t, binary, args);
  await waitForHttp(running, `${url}/-/ready`);
  return { url, process: running, clusterAddress };
}

export interface PostedAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

/** Posts alerts to Alertmanager's API as Prometheus does. */
export async function postAlerts(alertmanagerUrl: string, alerts: PostedAlert[]): Promise<void> {
  const response = await fetch(`${alertmanagerUrl}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts),
  });
  if (!response.ok) throw new Error(`POST /api/v2/alerts: ${response.status} ${await response.text()}`);
}

export interface Endpoint {
  address: string;
  url: string;
}

/** The real platypus-exporter, from source. */
export async function startExporter(t: TestContext): Promise<Endpoint> {
  const address = `127.0.0.1:${await freePort()}`;
  const running = startProcess(t, process.execPath, ['--import', 'tsx', repoPath('exporter/cli.ts'), `--web.listen-address=${address}`], { cwd: ROOT });
  await waitForHttp(running, `http://${address}/metrics`, 30_000);
  return { address, url: `http://${address}` };
}

export interface SchedulerTiming {
  interval: string;
  timeout: string;
  retries: number;
  retry_interval: string;
}

/**
 * The real platypus-prober with prometheus/prober/prober.yml as shipped, its panels group given
 * `timing` and reading `panelsFile` (a file_sd file) instead of the example list; `modules` adds
 * modules a test needs beside the shipped ones; `args` are more command-line flags (e.g. `--location`).
 */
export async function startProber(
  t: TestContext,
  dir: string,
  options: { timing?: SchedulerTiming; panelsFile: string; modules?: Record<string, unknown>; extraGroups?: Yaml[]; args?: string[] },
): Promise<Endpoint> {
  const config = loadYaml('prometheus/prober/prober.yml');
  const scheduler = config.scheduler as { groups: Yaml[] };
  const panels = scheduler.groups[0]!;
  Object.assign(panels, options.timing ?? {}, { file_sd: [options.panelsFile] });
  scheduler.groups.push(...(options.extraGroups ?? []));
  Object.assign(config.modules as Yaml, options.modules ?? {});
  const file = join(dir, 'prober.yml');
  writeFileSync(file, stringify(config));
  const address = `127.0.0.1:${await freePort()}`;
  const running = startProcess(t, process.execPath,
    ['--import', 'tsx', repoPath('prober/cli.ts'), `--config.file=${file}`, `--web.listen-address=${address}`, ...(options.args ?? [])], { cwd: ROOT });
  await waitForHttp(running, `http://${address}/-/healthy`, 30_000);
  return { address, url: `http://${address}` };
}

interface RuleFile { groups: Array<{ name: string; interval?: string; rules: Array<{ alert?: string; for?: string }> }> }

/**
 * prometheus.yml and rules/*.yml as shipped, pointed at local processes; `scrapeInterval`, when
 * given, replaces every interval (scrape, evaluation, rule groups) and `alertFor` the `for:` of the
 * named alerts. `prober` is one prober's address or several (one per location), all in the prober job.
 */
export async function startPrometheus(
  t: TestContext,
  dir: string,
  options: { exporter: string; prober: string | string[]; alertmanagers?: string[]; notifier?: string; scrapeInterval?: string; alertFor?: Record<string, string> },
): Promise<Endpoint> {
  const binary = requireBinary('prometheus', 'prometheus');
  const config = loadYaml('prometheus/prometheus.yml') as {
    global: Yaml;
    rule_files: string[];
    alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
    scrape_configs: Array<Yaml & { job_name: string }>;
  };
  const interval = options.scrapeInterval;
  if (interval !== undefined) Object.assign(config.global, { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval });
  writeFileSync(join(dir, 'nodes.yml'), stringify([{ targets: [options.exporter], labels: { panel: 'local' } }]));
  const address = `127.0.0.1:${await freePort()}`;
  const probers = [options.prober].flat();
  for (const job of config.scrape_configs) {
    if (job.scrape_interval !== undefined && interval !== undefined) job.scrape_interval = interval;
    if (job.job_name === 'node') job.file_sd_configs = [{ files: [join(dir, 'nodes.yml')] }];
    if (job.job_name === 'prober') job.static_configs = [{ targets: probers }];
    if (job.job_name === 'prometheus') job.static_configs = [{ targets: [address] }];
    if (job.job_name === 'alertmanager') job.static_configs = [{ targets: options.alertmanagers ?? [] }];
    if (job.job_name === 'notifier') job.static_configs = [{ targets: options.notifier === undefined ? [] : [options.notifier] }];
    if (job.job_name === 'blackbox') {
      // Its own (absent unless a test writes it) list: /probe requests would also hit the panels.
      job.file_sd_configs = [{ files: [join(dir, 'blackbox-targets.json')] }];
      for (const relabel of job.relabel_configs as Yaml[]) {
        if (relabel.target_label === '__address__') relabel.replacement = probers[0];
      }
    }
  }
  config.alerting.alertmanagers[0]!.static_configs[0]!.targets = options.alertmanagers ?? [];
  const rulesDir = join(dir, 'rules');
  mkdirSync(rulesDir, { recursive: true });
  for (const name of readdirSync(repoPath('prometheus/rules'))) {
    const rules = loadYaml(`prometheus/rules/${name}`) as unknown as RuleFile;
    for (const group of rules.groups) {
      if (interval !== undefined) group.interval = interval;
      for (const rule of group.rules) {
        const override = rule.alert === undefined ? undefined : options.alertFor?.[rule.alert];
        if (override !== undefined) rule.for = override;
      }
    }
    writeFileSync(join(rulesDir, name), stringify(rules));
  }
  config.rule_files = [join(rulesDir, '*.yml')];
  const file = join(dir, 'prometheus.yml');
  writeFileSync(file, stringify(config));
  const running = startProcess(t, binary, [
    `--config.file=${file}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=${address}`,
  ]);
  await waitForHttp(running, `http://${address}/-/ready`, 30_000);
  return { address, url: `http://${address}` };
}

interface PromVector { metric: Record<string, string>; value: [number, string] }

/** An instant query; throws on a query error. */
export async function instantQuery(prometheusUrl: string, expr: string): Promise<PromVector[]> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as { status: string; error?: string; data?: { resultType: string; result: PromVector[] | [number, string] } };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error ?? response.status}`);
  if (body.data!.resultType === 'scalar') return [{ metric: {}, value: body.data!.result as [number, string] }];
  return body.data!.result as PromVector[];
}

/** Writes a Prometheus file_sd file listing panels (target → labels). */
export function writePanels(file: string, panels: Record<string, Record<string, string>>): void {
  writeFileSync(file, JSON.stringify(Object.entries(panels).map(([target, labels]) => ({ targets: [target], labels }))));
}

/** A panel's web server that can be stopped (connection refused) and started again on its port. */
export class Panel {
  private server: Server | undefined;
  /** Requests still to answer with 503 (a dropped check is its attempt and its retry). */
  failNext = 0;
  constructor(readonly port: number, private readonly delayMs = 0, readonly host = '127.0.0.1') {}
  get url(): string { return `http://${this.host}:${this.port}/`; }
  async start(): Promise<void> {
    this.server = createServer((_req, res) => {
      if (this.failNext > 0) {
        this.failNext -= 1;
        res.writeHead(503).end('busy');
        return;
      }
      setTimeout(() => res.end('ok'), this.delayMs);
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(this.port, this.host, resolve));
  }
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
