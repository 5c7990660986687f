// A real Alertmanager running the shipped alertmanager.yml (secrets in files, local Slack webhook
// and SMTP sink, short group_wait) delivers alerts posted to its API as the issue asks: panels down
// together in one message each to Slack and email, warnings to Slack only, inhibited alerts never,
// resolved notices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSlackReceiver, slackText } from '../helpers/slack-receiver.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { waitFor } from '../helpers/wait.js';
import { alertmanagerConfig, postAlerts, startAlertmanager, tempDir, type PostedAlert } from './stack.js';

function panelDown(panel: string, reason: string, startsAt: string): PostedAlert {
  return {
    labels: { alertname: 'PanelDown', severity: 'critical', topic: 'panel', job: 'prober', module: 'http_2xx', panel, target: `https://${panel}.example.com/` },
    annotations: { summary: `Panel https://${panel}.example.com/ is down`, reason, description: `https://${panel}.example.com/ (http_2xx) failed every check from 1 location(s).` },
    startsAt,
    generatorURL: 'http://prometheus.test:9090/graph?g0.expr=probe_success',
  };
}

function panelSlow(panel: string): PostedAlert {
  return {
    labels: { alertname: 'PanelSlow', severity: 'warning', topic: 'panel', job: 'prober', module: 'http_2xx', panel, target: `https://${panel}.example.com/` },
    annotations: { summary: `Panel https://${panel}.example.com/ is slow`, description: 'slow' },
  };
}

test('shipped routing delivers grouped, routed, inhibited and resolved notifications', async (t) => {
  const slack = await startSlackReceiver(t);
  const smtp = await startSmtpSink(t);
  const dir = tempDir('am');
  const config = alertmanagerConfig(dir, { slackUrl: slack.url, smarthost: smtp.smarthost, groupWait: '1s', groupInterval: '2s' });
  const am = await startAlertmanager(t, config);

  // Two panels down at once: one Slack message and one email, each listing both with reason and time.
  const since = '2026-01-02T03:04:05Z';
  await postAlerts(am.url, [panelDown('panel-1', 'connect_refused', since), panelDown('panel-2', 'timeout', since)]);
  await waitFor('the Slack message', () => slack.messages.length >= 1);
  await waitFor('the email', () => smtp.mails.length >= 1);
  await sleep(1_500);
  assert.equal(slack.messages.length, 1, 'one Slack message for both panels');
  assert.equal(smtp.mails.length, 1, 'one email for both panels');
  const slackBody = slackText(slack.messages[0]!);
  assert.match(slackBody, /PanelDown: 2 firing/);
  assert.match(slackBody, /https:\/\/panel-1\.example\.com\/\*: connect_refused \(since 2026-01-02 03:04:05 UTC\)/);
  assert.match(slackBody, /https:\/\/panel-2\.example\.com\/\*: timeout \(since 2026-01-02 03:04:05 UTC\)/);
  assert.equal(slack.messages[0]!.attachments[0]!.color, 'danger');
  const mail = smtp.mails[0]!;
  assert.equal(mail.subject, '[FIRING:2] PanelDown: https://panel-1.example.com/, https://panel-2.example.com/');
  assert.match(mail.text ?? '', /- https:\/\/panel-1\.example\.com\/: connect_refused, since 2026-01-02 03:04:05 UTC/);
  assert.match(mail.text ?? '', /Graph: http:\/\/prometheus\.test:9090\/graph\?g0\.expr=probe_success/);
  const html = typeof mail.html === 'string' ? mail.html : '';
  assert.match(html, /<td>timeout<\/td>/);
  assert.match(html, /href="http:\/\/localhost:3000\/d\/platypus-probes\/probes\?var-target=https%3A%2F%2Fpanel-1\.example\.com%2F"/);
  assert.match(html, /href="http:\/\/prometheus\.test:9090\/graph\?g0\.expr=probe_success"/);

  // Warnings go to Slack only; panel-1's slowness is silenced while it is down.
  await postAlerts(am.url, [panelSlow('panel-1'), panelSlow('panel-3')]);
  await waitFor('the PanelSlow message', () => slack.messages.find((m) => slackText(m).includes('PanelSlow')));
  await sleep(2_500);
  const slow = slack.messages.filter((m) => slackText(m).includes('PanelSlow'));
  assert.equal(slow.length, 1);
  assert.match(slackText(slow[0]!), /panel-3/);
  assert.doesNotMatch(slackText(slow[0]!), /panel-1/, 'PanelSlow of a down panel is inhibited');
  assert.equal(slow[0]!.attachments[0]!.color, 'warning');
  assert.equal(smtp.mails.length, 1, 'no email for a warning');

  // Both panels come back: resolved notices in Slack and by email.
  const now = new Date().toISOString();
  await postAlerts(am.url, [
    { ...panelDown('panel-1', 'connect_refused', since), endsAt: now },
    { ...panelDown('panel-2', 'timeout', since), endsAt: now },
  ]);
  const resolved = await waitFor('the resolved Slack message', () => slack.messages.find((m) => slackText(m).includes('RESOLVED PanelDown')));
  assert.match(slackText(resolved), /resolved \*https:\/\/panel-1\.example\.com\/\*/);
  assert.match(slackText(resolved), /resolved \*https:\/\/panel-2\.example\.com\/\*/);
  assert.equal(resolved.attachments[0]!.color, 'good');
  const resolvedMail = await waitFor('the resolved email', () => smtp.mails.find((m) => m.subject?.startsWith('[RESOLVED]')));
  assert.equal(resolvedMail.subject, '[RESOLVED] PanelDown: https://panel-1.example.com/, https://panel-2.example.com/');
});
