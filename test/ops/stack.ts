// The shipped Prometheus / Alertmanager / prober configuration, loaded as files and changed only in
// intervals and addresses so tests run the real thing on loopback.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  /** Replaces the route's group_wait / group_interval (the shipped ones are 10s / 1m). */
  groupWait?: string;
  groupInterval?: string;
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
  global.smtp_auth_password_file = smtpSecret;
  global.smtp_smarthost = overrides.smarthost;
  global.smtp_require_tls = false;
  config.templates = [repoPath('alertmanager/templates/*.tmpl')];
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
    ...(cluster === undefined ? [] : ['--cluster.settle-timeout=2s', '--cluster.pushpull-interval=2s', '--cluster.gossip-interval=50ms']),
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
