// The shipped alertmanager.yml passes amtool and routes each severity where the issue says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { requireBinary } from '../helpers/process.js';
import { loadYaml, repoPath } from './stack.js';

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
  [['alertname=PanelDown', 'severity=critical', 'target=https://a/'], 'slack-and-email'],
  [['alertname=CertificateExpired', 'severity=critical'], 'slack-and-email'],
  [['alertname=DiskFull', 'severity=critical', 'instance=h:9100'], 'slack-and-email'],
  [['alertname=PanelSlow', 'severity=warning'], 'slack'],
  [['alertname=CPUHigh', 'severity=warning', 'instance=h:9100'], 'slack'],
  [['alertname=Unlabelled'], 'slack'],
];

for (const [labels, receiver] of routes) {
  test(`amtool config routes test: ${labels.join(' ')} → ${receiver}`, () => {
    assert.equal(runAmtool(['config', 'routes', 'test', `--config.file=${config}`, ...labels]), receiver);
  });
}

test('secrets come only from files, repeat is hourly, resolved notices are on', () => {
  const shipped = loadYaml('alertmanager/alertmanager.yml') as {
    global: Record<string, unknown>;
    route: { repeat_interval: string; group_by: string[] };
    receivers: Array<{ slack_configs?: Array<Record<string, unknown>>; email_configs?: Array<Record<string, unknown>> }>;
  };
  assert.equal(shipped.global.slack_api_url, undefined);
  assert.equal(shipped.global.smtp_auth_password, undefined);
  assert.ok(shipped.global.slack_api_url_file);
  assert.ok(shipped.global.smtp_auth_password_file);
  assert.equal(shipped.route.repeat_interval, '1h');
  assert.deepEqual(shipped.route.group_by, ['alertname']);
  for (const receiver of shipped.receivers) {
    for (const notifier of [...(receiver.slack_configs ?? []), ...(receiver.email_configs ?? [])]) {
      assert.equal(notifier.send_resolved, true);
      assert.equal(notifier.api_url, undefined);
      assert.equal(notifier.auth_password, undefined);
    }
  }
});
