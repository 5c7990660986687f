// The shipped alertmanager.yml passes amtool and routes each severity where the issue says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { requireBinary } from '../helpers/process.js';
import { loadYaml, repoPath, tempDir, withoutNotifier } from './stack.js';

const amtool = requireBinary('amtool', 'prometheus-alertmanager');
const config = repoPath('alertmanager/alertmanager.yml');

function runAmtool(args: string[]): string {
  const result = spawnSync(amtool, args, { encoding: 'utf8' });
  assert.equal(result.status, 0, `amtool ${args.join(' ')}:\n${result.stdout}${result.stderr}`);
  return result.stdout.trim();
}

test('amtool check-config accepts alertmanager.yml and its templates', () => {
  const output = runAmtool(['check-config', config]);
  assert.match(output, /SUCCESS/);
  assert.match(output, /1 templates/);
});

const routes: Array<[string[], string]> = [
  [['alertname=PanelDown', 'severity=critical', 'target=https://a/'], 'notifier'],
  [['alertname=CertificateExpired', 'severity=critical'], 'notifier'],
  [['alertname=DiskFull', 'severity=critical', 'instance=h:9100'], 'notifier'],
  [['alertname=PanelSlow', 'severity=warning'], 'notifier'],
  [['alertname=CPUHigh', 'severity=warning', 'instance=h:9100', 'maintenance_window=sunday-night'], 'notifier'],
  [['alertname=ProberDown', 'severity=critical', 'instance=prober:9115'], 'notifier'],
  [['alertname=Unlabelled'], 'slack'],
  [['alertname=Watchdog', 'severity=none'], 'deadmansswitch'],
  // The notifier's and Alertmanager's own alerts never depend on the notifier.
  [['alertname=NotifierDown', 'severity=critical', 'topic=notifier'], 'slack-and-email'],
  [['alertname=NotifierGraphsMissing', 'severity=warning', 'topic=notifier'], 'slack'],
  [['alertname=NotificationsFailing', 'severity=critical', 'topic=alertmanager'], 'slack-and-email'],
];

// Without the notifier (its route deleted, as docs/stack.md describes): Alertmanager's own receivers.
const fallbackRoutes: Array<[string[], string]> = [
  [['alertname=PanelDown', 'severity=critical', 'target=https://a/'], 'slack-and-email'],
  [['alertname=DiskFull', 'severity=critical', 'instance=h:9100', 'maintenance_window=sunday-night'], 'slack-and-email'],
  [['alertname=PanelSlow', 'severity=warning'], 'slack'],
  [['alertname=CPUHigh', 'severity=warning', 'instance=h:9100'], 'slack'],
];

test('without the notifier route, panel and host alerts go to Alertmanager\'s own receivers', () => {
  const fallback = join(tempDir('am-fallback'), 'alertmanager.yml');
  writeFileSync(fallback, stringify(withoutNotifier(loadYaml('alertmanager/alertmanager.yml'))));
  for (const [labels, receiver] of fallbackRoutes) {
    assert.equal(runAmtool(['config', 'routes', 'test', `--config.file=${fallback}`, ...labels]), receiver, labels.join(' '));
  }
});

for (const [labels, receiver] of routes) {
  test(`amtool config routes test: ${labels.join(' ')} → ${receiver}`, () => {
    assert.equal(runAmtool(['config', 'routes', 'test', `--config.file=${config}`, ...labels]), receiver);
  });
}

/** The repeat_interval Alertmanager applies to these labels: the deepest one set along the route amtool matches. */
function repeatInterval(file: string, labels: string[]): string {
  const tree = runAmtool(['config', 'routes', 'test', '--tree', `--config.file=${file}`, ...labels]);
  type Route = { matchers?: string[]; repeat_interval?: string; routes?: Route[] };
  let route = parse(readFileSync(file, 'utf8')).route as Route;
  let interval = route.repeat_interval ?? '4h'; // Alertmanager's default
  for (const [, matchers] of tree.matchAll(/── (\{.*?\})(?: {2}receiver: .*)?$/gm)) {
    const child = route.routes?.find((candidate) => `{${(candidate.matchers ?? []).join(',')}}` === matchers!.replace(/", /g, '",'));
    assert.ok(child, `no route ${matchers} in ${file}:\n${tree}`);
    route = child;
    interval = route.repeat_interval ?? interval;
  }
  return interval;
}

// Per severity: critical hourly, warnings every 4 hours (a slow panel or a filling disk is no hourly poke).
const repeats: Array<[string[], string]> = [
  [['alertname=PanelDown', 'severity=critical', 'target=https://a/'], '1h'],
  [['alertname=DiskFull', 'severity=critical', 'instance=h:9100', 'maintenance_window=sunday-night'], '1h'],
  [['alertname=PanelSlow', 'severity=warning'], '4h'],
  [['alertname=CPUHigh', 'severity=warning', 'instance=h:9100', 'maintenance_window=sunday-night'], '4h'],
  [['alertname=NotifierDown', 'severity=critical', 'topic=notifier'], '1h'],
  [['alertname=NotifierGraphsMissing', 'severity=warning', 'topic=notifier'], '4h'],
  [['alertname=Watchdog', 'severity=none'], '1m'],
];

test('repeat intervals per severity, through the notifier and through the fallback', () => {
  const fallback = join(tempDir('am-fallback-repeat'), 'alertmanager.yml');
  writeFileSync(fallback, stringify(withoutNotifier(loadYaml('alertmanager/alertmanager.yml'))));
  for (const file of [config, fallback]) {
    for (const [labels, interval] of repeats) assert.equal(repeatInterval(file, labels), interval, `${labels.join(' ')} (${file})`);
  }
});

test('secrets come only from files, repeat is hourly, resolved notices are on (not to the dead man\'s switch)', () => {
  const shipped = loadYaml('alertmanager/alertmanager.yml') as {
    global: Record<string, unknown>;
    route: { repeat_interval: string; group_by: string[] };
    receivers: Array<{ name: string; slack_configs?: Array<Record<string, unknown>>; email_configs?: Array<Record<string, unknown>> }>;
  };
  assert.equal(shipped.global.slack_api_url, undefined);
  assert.equal(shipped.global.smtp_auth_password, undefined);
  assert.ok(shipped.global.slack_api_url_file);
  assert.ok(shipped.global.smtp_auth_password_file);
  assert.equal(shipped.route.repeat_interval, '1h');
  assert.deepEqual(shipped.route.group_by, ['alertname']);
  for (const receiver of shipped.receivers) {
    for (const notifier of [...(receiver.slack_configs ?? []), ...(receiver.email_configs ?? [])]) {
      assert.equal(notifier.send_resolved, receiver.name !== 'deadmansswitch', receiver.name);
      assert.equal(notifier.api_url, undefined);
      assert.equal(notifier.auth_password, undefined);
    }
  }
});

/** Every `*_file` key of a config, with its value, wherever it is. */
function fileKeys(node: unknown, path = ''): Array<[string, unknown]> {
  if (Array.isArray(node)) return node.flatMap((item, i) => fileKeys(item, `${path}[${i}]`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key.endsWith('_file') ? [[`${path}.${key}`, value] as [string, unknown]] : fileKeys(value, `${path}.${key}`));
}

// Alertmanager opens these files relative to its working directory (/alertmanager in its image),
// not to alertmanager.yml: only absolute paths inside the folder compose mounts are found.
test('every secret file is an absolute path inside the folder compose mounts at /etc/alertmanager', () => {
  const compose = loadYaml('docker-compose.yml') as { services: Record<string, { image?: string; volumes?: string[] }> };
  const mounts = Object.values(compose.services).filter((s) => s.image?.startsWith('prom/alertmanager:'))
    .map((s) => s.volumes?.find((v) => v.startsWith('./alertmanager:'))?.split(':')[1]);
  assert.deepEqual([...new Set(mounts)], ['/etc/alertmanager']);
  const keys = fileKeys(loadYaml('alertmanager/alertmanager.yml'));
  assert.ok(keys.length >= 3, keys.join(' '));
  for (const [key, value] of keys) {
    assert.match(String(value), /^\/etc\/alertmanager\/secrets\/[\w.-]+$/, key);
  }
});
