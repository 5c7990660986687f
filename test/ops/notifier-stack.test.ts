// The shipped routing with the notifier in it, end to end: the real prober and Prometheus (shipped
// rules, intervals scaled down), the real Alertmanager with the shipped alertmanager.yml, and
// platypus-notifier run from source with the command of its compose service (paths and hosts
// pointed at the test's), delivering to a local Slack Web API fake and SMTP sink. Two panels stop:
// one Slack message (with the graph, a PNG, in its thread) and one email (the graph inline) naming
// both, and nothing through Alertmanager's own Slack receiver (no duplicates).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../helpers/ports.js';
import { startProcess, waitForHttp } from '../helpers/process.js';
import { startSlackApiFake } from '../helpers/slack-api.js';
import { startSlackReceiver, slackText } from '../helpers/slack-receiver.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { waitFor } from '../helpers/wait.js';
import { Panel, alertmanagerConfig, loadYaml, repoPath, startAlertmanager, startPrometheus, startProber, tempDir, writePanels } from './stack.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The notifier service's command from docker-compose.yml, with its paths and hosts replaced. */
function notifierArgs(replace: Record<string, string>): string[] {
  const compose = loadYaml('docker-compose.yml') as { services: Record<string, { command: string[] }> };
  const [program, ...args] = compose.services.notifier!.command;
  assert.equal(program, 'platypus-notifier');
  return args.map((arg) => {
    const name = arg.slice(0, arg.indexOf('='));
    return name in replace ? `${name}=${replace[name]}` : arg;
  });
}

test('shipped routing: panels down → the notifier → one Slack message with its graph and one email, naming the panels', async (t) => {
  const slackApi = await startSlackApiFake(t);
  const webhook = await startSlackReceiver(t); // Alertmanager's own Slack receiver: must stay quiet
  const smtp = await startSmtpSink(t);
  const panels = { a: new Panel(await freePort()), b: new Panel(await freePort()), c: new Panel(await freePort()) };
  for (const panel of Object.values(panels)) {
    await panel.start();
    t.after(() => panel.stop());
  }
  const dir = tempDir('notifier-stack');
  const panelsFile = join(dir, 'panels.json');
  writePanels(panelsFile, Object.fromEntries(Object.entries(panels).map(([name, panel]) => [panel.url, { panel: name }])));
  const prober = await startProber(t, dir, { panelsFile, timing: { interval: '2s', timeout: '1500ms', retries: 1, retry_interval: '300ms' } });

  const notifierPort = await freePort();
  const amConfig = alertmanagerConfig(tempDir('notifier-stack-am'), {
    slackUrl: webhook.url, smarthost: smtp.smarthost, groupWait: '4s', groupInterval: '20s',
    notifierUrl: `http://127.0.0.1:${notifierPort}/alerts`,
  });
  const am = await startAlertmanager(t, amConfig);
  const prometheus = await startPrometheus(t, dir, {
    exporter: `127.0.0.1:${await freePort()}`, // no exporter: its alert needs 2 minutes, longer than this test
    prober: prober.address,
    alertmanagers: [am.url.slice('http://'.length)],
    notifier: `127.0.0.1:${notifierPort}`,
    scrapeInterval: '1s',
    alertFor: { PanelDown: '5s' },
  });

  const tokenFile = join(dir, 'slack_bot_token');
  const passwordFile = join(dir, 'smtp_password');
  writeFileSync(tokenFile, `${slackApi.token}\n`);
  writeFileSync(passwordFile, 'test-password');
  const [smtpHost, smtpPort] = smtp.smarthost.split(':') as [string, string];
  const notifier = startProcess(t, process.execPath, ['--import', 'tsx', repoPath('notifier/cli.ts'), ...notifierArgs({
    '--web.listen-address': `127.0.0.1:${notifierPort}`,
    '--prometheus.url': prometheus.url,
    '--alertmanager.url': am.url,
    '--slack.token-file': tokenFile,
    '--smtp.smarthost': `${smtpHost}:${smtpPort}`,
    '--smtp.password-file': passwordFile,
  }), `--slack.api-url=${slackApi.apiUrl}`, '--no-smtp.require-tls'], { cwd: repoPath('.') });
  t.after(() => t.diagnostic(`notifier log:\n${notifier.output()}`));
  await waitForHttp(notifier, `http://127.0.0.1:${notifierPort}/-/healthy`, 90_000);
  await waitFor('the panels up in Prometheus', async () =>
    (await (await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent('probe_success{job="prober"} == 1')}`)).json() as { data: { result: unknown[] } }).data.result.length === 3,
  { timeoutMs: 30_000 });
  await sleep(20_000); // an hour's graph needs some history before the outage

  await Promise.all([panels.a.stop(), panels.b.stop()]);
  t.after(() => {
    t.diagnostic(`Slack API: ${JSON.stringify(slackApi.messages.map((m) => m.attachments))}`);
    t.diagnostic(`emails: ${JSON.stringify(smtp.mails.map((m) => m.subject))}; webhook: ${JSON.stringify(webhook.messages.map(slackText))}`);
  });
  const message = await waitFor('the Slack message naming a and b', () =>
    slackApi.messages.find((m) => m.attachments.some((a) => a.fallback?.endsWith('PanelDown: a, b'))), { timeoutMs: 90_000, intervalMs: 500 });
  const mail = await waitFor('the email naming a and b', () => smtp.mails.find((m) => m.subject === '[FIRING:2] PanelDown: a, b'), { timeoutMs: 30_000 });
  const graph = await waitFor('the graph in the message\'s thread', () => slackApi.files.find((f) => f.threadTs === message.ts && f.bytes.length > 0), { timeoutMs: 30_000 });
  assert.ok(graph.bytes.subarray(0, 8).equals(PNG_SIGNATURE), 'the Slack graph is a PNG');
  const inline = mail.attachments.find((a) => a.contentType === 'image/png');
  assert.ok(inline?.content.subarray(0, 8).equals(PNG_SIGNATURE), 'the email carries the graph as a PNG');
  const text = message.attachments.map((a) => `${a.title ?? ''}\n${a.text ?? ''}`).join('\n');
  assert.ok(!text.includes('No graph'), text);
  assert.ok(!text.includes(panels.c.url), 'the up panel is not named');

  await sleep(25_000); // past group_interval: a retry or a second route would have sent again
  assert.equal(slackApi.messages.filter((m) => m.attachments.some((a) => /PanelDown/.test(a.fallback ?? ''))).length, 1, 'one Slack message');
  assert.equal(smtp.mails.filter((m) => /PanelDown/.test(m.subject ?? '')).length, 1, 'one email');
  assert.deepEqual(webhook.messages.map(slackText), [], 'nothing through Alertmanager\'s own receivers while the notifier works');
  assert.deepEqual(smtp.mails.map((m) => m.subject), ['[FIRING:2] PanelDown: a, b'], 'no NotifierDown: Prometheus scrapes the notifier');
});
