// A real Alertmanager running the shipped alertmanager.yml (secrets in files, local Slack webhook
// and SMTP sink, short group_wait) delivers alerts posted to its API as the issue asks: panels down
// together in one message each to Slack and email, warnings to Slack only, inhibited alerts never,
// resolved notices. Each shipped inhibit rule is exercised: a down panel silences its PanelSlow and
// its host's alerts (through the shared `panel` label), a critical alert silences the warning of the
// same topic and object; in each case the inhibited alert is not delivered while a similar one that
// no rule covers is, and it is delivered once the alert holding it back resolves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSlackReceiver, slackText, type SlackMessage } from '../helpers/slack-receiver.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { waitFor } from '../helpers/wait.js';
import { alertmanagerConfig, postAlerts, startAlertmanager, tempDir, type PostedAlert } from './stack.js';

/** A PanelDown as the shipped rule makes it; `since` is its annotation (empty: no scheduler series). */
function panelDown(panel: string, reason: string, startsAt: string, since = ''): PostedAlert {
  return {
    labels: { alertname: 'PanelDown', severity: 'critical', topic: 'panel', job: 'prober', module: 'http_2xx', panel, target: `https://${panel}.example.com/` },
    annotations: { summary: `Panel https://${panel}.example.com/ is down`, reason, since, description: `https://${panel}.example.com/ (http_2xx) failed every check.` },
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
  // They start now: an alert older than group_wait flushes its group at once, and the second of the
  // two could then miss the first message.
  const since = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const sinceText = since.replace('T', ' ').replace('Z', ' UTC');
  // panel-1 was first seen failing 40 s before the alert: its message says so; panel-2 has no
  // scheduler series, so its alert's start stands.
  await postAlerts(am.url, [panelDown('panel-1', 'connect_refused', since, '2026-12-02 10:00:00 UTC'), panelDown('panel-2', 'timeout', since)]);
  await waitFor('the Slack message', () => slack.messages.length >= 1);
  await waitFor('the email', () => smtp.mails.length >= 1);
  await sleep(1_500);
  assert.equal(slack.messages.length, 1, 'one Slack message for both panels');
  assert.equal(smtp.mails.length, 1, 'one email for both panels');
  const slackBody = slackText(slack.messages[0]!);
  const attachment = slack.messages[0]!.attachments[0]!;
  assert.equal(attachment.title, ':rotating_light: CRITICAL PanelDown: 2 firing');
  assert.equal(attachment.fallback, '[FIRING:2] PanelDown: panel-1, panel-2', 'what phones show names the panels');
  assert.ok(slackBody.includes('*panel-1*: connect_refused (since 2026-12-02 10:00:00 UTC)'), slackBody);
  assert.ok(slackBody.includes(`*panel-2*: timeout (since ${sinceText})`), slackBody);
  assert.ok(slackBody.includes('https://panel-1.example.com/ (http_2xx) failed every check.'), 'the URL is in the description');
  assert.equal(attachment.color, 'danger');
  const mail = smtp.mails[0]!;
  assert.equal(mail.subject, '[FIRING:2] PanelDown: panel-1, panel-2');
  assert.ok((mail.text ?? '').includes('- panel-1: connect_refused, since 2026-12-02 10:00:00 UTC'), mail.text);
  assert.ok((mail.text ?? '').includes(`- panel-2: timeout, since ${sinceText}`), mail.text);
  assert.equal((mail.text ?? '').match(/http:\/\/prometheus\.test:9090\/graph\?g0\.expr=probe_success/g)?.length, 1, `the graph link once:\n${mail.text}`);
  const html = typeof mail.html === 'string' ? mail.html : '';
  assert.match(html, /<td>timeout<\/td>/);
  assert.match(html, /<td>2026-12-02 10:00:00 UTC<\/td>/);
  assert.match(html, /href="http:\/\/localhost:3000\/d\/platypus-probes\/probes\?var-target=https%3A%2F%2Fpanel-1\.example\.com%2F"/);
  assert.equal(html.match(/href="http:\/\/prometheus\.test:9090\/graph\?g0\.expr=probe_success"/g)?.length, 1, 'the graph link once');

  // Warnings go to Slack only; panel-1's slowness is silenced while it is down.
  await postAlerts(am.url, [panelSlow('panel-1'), panelSlow('panel-3')]);
  await waitFor('the PanelSlow message', () => slack.messages.find((m) => slackText(m).includes('PanelSlow')));
  await sleep(2_500);
  const slow = slack.messages.filter((m) => slackText(m).includes('PanelSlow'));
  assert.equal(slow.length, 1);
  assert.match(slackText(slow[0]!), /panel-3/);
  assert.doesNotMatch(slackText(slow[0]!), /panel-1/, 'PanelSlow of a down panel is inhibited');
  assert.equal(slow[0]!.attachments[0]!.color, 'warning');
  assert.equal(slow[0]!.attachments[0]!.title, ':warning: WARNING PanelSlow: 1 firing', 'a warning looks unlike a critical alert');
  assert.equal(smtp.mails.length, 1, 'no email for a warning');

  // panel-1 comes back, panel-2 is still down: the subject and fallback name only panel-2.
  await postAlerts(am.url, [{ ...panelDown('panel-1', 'connect_refused', since, '2026-12-02 10:00:00 UTC'), endsAt: new Date().toISOString() }]);
  const partialMail = await waitFor('the partial-recovery email', () => smtp.mails[1]);
  assert.equal(partialMail.subject, '[FIRING:1] PanelDown: panel-2', 'the panel that came back is not in the subject');
  assert.ok((partialMail.text ?? '').includes('Back to normal:\n- panel-1, from 2026-12-02 10:00:00 UTC to '), partialMail.text);
  const partial = await waitFor('the partial-recovery Slack message', () => slack.messages.find((m) => /PanelDown: 1 firing, 1 back to normal/.test(slackText(m))));
  assert.equal(partial.attachments[0]!.fallback, '[FIRING:1] PanelDown: panel-2');
  assert.match(slackText(partial), /back to normal: \*panel-1\*/);

  // panel-2 comes back too: the all-clear in Slack and by email.
  await postAlerts(am.url, [{ ...panelDown('panel-2', 'timeout', since), endsAt: new Date().toISOString() }]);
  const resolved = await waitFor('the resolved Slack message', () => slack.messages.find((m) => slackText(m).includes('RESOLVED PanelDown')));
  assert.match(slackText(resolved), /back to normal: \*panel-2\*/);
  assert.equal(resolved.attachments[0]!.color, 'good');
  assert.match(resolved.attachments[0]!.title ?? '', /^:white_check_mark: RESOLVED PanelDown/);
  const resolvedMail = await waitFor('the resolved email', () => smtp.mails.find((m) => m.subject?.startsWith('[RESOLVED]')));
  assert.equal(resolvedMail.subject, '[RESOLVED] PanelDown: panel-2');
});

// The alerts as the shipped rules label them: host alerts keep the node job's target labels
// (instance, panel, datacenter), probe alerts the prober's (target, module, panel) without instance.
function hostAlert(alertname: string, severity: string, topic: string, host: string, extra: Record<string, string> = {}): PostedAlert {
  return {
    labels: { alertname, severity, topic, job: 'node', instance: `${host}:9100`, datacenter: 'fra', ...extra },
    annotations: { summary: `${alertname} on ${host}:9100`, description: `${alertname} on ${host}:9100` },
  };
}

function probeAlert(alertname: string, severity: string, topic: string, panel: string): PostedAlert {
  return {
    labels: { alertname, severity, topic, job: 'prober', module: 'http_2xx', panel, datacenter: 'fra', target: `https://${panel}.example.com/` },
    annotations: { summary: `${alertname} of https://${panel}.example.com/`, description: alertname },
  };
}

const disk = (mountpoint: string): Record<string, string> => ({ mountpoint, device: '/dev/sda1', fstype: 'ext4' });

/** Everything Slack received for one alert name (all its group's messages), as one string. */
function slackAbout(messages: SlackMessage[], alertname: string): string {
  return messages.map(slackText).filter((text) => new RegExp(`(^|\\s)${alertname}: \\d+ firing`).test(text)).join('\n');
}

interface AlertStatus { labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }

/** Alertmanager's own view: the state (active / suppressed) of the alert with these labels. */
async function alertState(amUrl: string, labels: Record<string, string>): Promise<string | undefined> {
  const alerts = (await (await fetch(`${amUrl}/api/v2/alerts`)).json()) as AlertStatus[];
  const found = alerts.find((a) => Object.entries(labels).every(([k, v]) => a.labels[k] === v) && a.labels.alertname === labels.alertname);
  return found === undefined ? undefined : `${found.status.state}${found.status.inhibitedBy.length > 0 ? ' (inhibited)' : ''}`;
}

test('a down panel silences its own host\'s alerts (shared `panel` label), not another panel\'s host', async (t) => {
  const slack = await startSlackReceiver(t);
  const smtp = await startSmtpSink(t);
  const config = alertmanagerConfig(tempDir('am-inhibit-host'), { slackUrl: slack.url, smarthost: smtp.smarthost, groupWait: '1s', groupInterval: '2s' });
  const am = await startAlertmanager(t, config);

  // panel-1 is down; so is a panel listed without a `panel` label (it must silence nothing).
  const since = new Date().toISOString(); // now, not earlier: see the first test
  const unlabelledDown = panelDown('lonely', 'timeout', since);
  delete unlabelledDown.labels.panel;
  await postAlerts(am.url, [panelDown('panel-1', 'connect_refused', since), unlabelledDown]);
  await waitFor('the PanelDown message', () => slack.messages.find((m) => /PanelDown: 2 firing/.test(slackText(m))));
  await waitFor('the PanelDown email', () => smtp.mails.length === 1);

  // Every topic the rule names, on panel-1's host and on panel-2's (up), plus a host without a
  // `panel` label. DiskFull (critical) and DiskFillingIn24h on different mount points, so the
  // critical-silences-warning rule stays out of it.
  const hostsAlerts = (host: string, labels: Record<string, string>): PostedAlert[] => [
    hostAlert('ExporterDown', 'warning', 'exporter', host, labels),
    hostAlert('CPUHigh', 'warning', 'cpu', host, labels),
    hostAlert('MemoryLow', 'warning', 'memory', host, labels),
    hostAlert('DiskFull', 'critical', 'disk', host, { ...labels, ...disk('/') }),
    hostAlert('DiskFillingIn24h', 'warning', 'disk', host, { ...labels, ...disk('/var') }),
    hostAlert('ClockSkew', 'warning', 'clock', host, labels),
  ];
  const names = hostsAlerts('x', {}).map((a) => a.labels.alertname!);
  await postAlerts(am.url, [
    ...hostsAlerts('panel-1.example.com', { panel: 'panel-1' }),
    ...hostsAlerts('panel-2.example.com', { panel: 'panel-2' }),
    hostAlert('CPUHigh', 'warning', 'cpu', 'lonely.example.com'),
  ]);
  for (const name of names) {
    await waitFor(`the ${name} message`, () => slackAbout(slack.messages, name).includes('panel-2.example.com:9100'));
  }
  await waitFor('the DiskFull email', () => smtp.mails.find((m) => m.subject?.includes('DiskFull')));
  await sleep(2_500); // past group_interval: anything still to come for these groups has come

  for (const name of names) {
    const text = slackAbout(slack.messages, name);
    assert.ok(text.includes('panel-2.example.com:9100'), `${name} of the up panel's host is delivered`);
    assert.ok(!text.includes('panel-1.example.com:9100'), `${name} of the down panel's host is inhibited:\n${text}`);
    assert.equal(await alertState(am.url, { alertname: name, panel: 'panel-1' }), 'suppressed (inhibited)', name);
    assert.equal(await alertState(am.url, { alertname: name, panel: 'panel-2' }), 'active', name);
  }
  assert.match(slackAbout(slack.messages, 'CPUHigh'), /lonely\.example\.com:9100/, 'a PanelDown without `panel` silences no host without one');
  const diskMails = smtp.mails.filter((m) => m.subject?.includes('DiskFull'));
  assert.equal(diskMails.length, 1);
  assert.equal(diskMails[0]!.subject, '[FIRING:1] DiskFull: panel-2 /', 'the host named by its panel, with the mount point');
  assert.doesNotMatch(diskMails[0]!.subject!, /panel-1/, 'no email for the down panel\'s host');

  // panel-1 is back: its host's alerts, no longer inhibited, are delivered.
  await postAlerts(am.url, [{ ...panelDown('panel-1', 'connect_refused', since), endsAt: new Date().toISOString() }]);
  for (const name of names) {
    await waitFor(`${name} of panel-1's host once its panel is up`, () => slackAbout(slack.messages, name).includes('panel-1.example.com:9100'));
  }
});

test('a critical alert silences the warning of the same topic and object only', async (t) => {
  const slack = await startSlackReceiver(t);
  const smtp = await startSmtpSink(t);
  const config = alertmanagerConfig(tempDir('am-inhibit-severity'), { slackUrl: slack.url, smarthost: smtp.smarthost, groupWait: '1s', groupInterval: '2s' });
  const am = await startAlertmanager(t, config);

  // panel-1's certificate has expired; panel-1's host has a full /var.
  const critical = [
    probeAlert('CertificateExpired', 'critical', 'certificate', 'panel-1'),
    hostAlert('DiskFull', 'critical', 'disk', 'panel-1.example.com', { panel: 'panel-1', ...disk('/var') }),
  ];
  await postAlerts(am.url, critical);
  await waitFor('the critical messages', () => slackAbout(slack.messages, 'CertificateExpired') && slackAbout(slack.messages, 'DiskFull'));

  await postAlerts(am.url, [
    // Silenced: the same certificate, the same disk.
    probeAlert('CertificateExpiringSoon', 'warning', 'certificate', 'panel-1'),
    hostAlert('DiskFillingIn24h', 'warning', 'disk', 'panel-1.example.com', { panel: 'panel-1', ...disk('/var') }),
    // Delivered: another panel's certificate, another disk of the same host, another host's /var,
    // and a warning of another topic about the same target.
    probeAlert('CertificateExpiringSoon', 'warning', 'certificate', 'panel-2'),
    hostAlert('DiskFillingIn24h', 'warning', 'disk', 'panel-1.example.com', { panel: 'panel-1', ...disk('/') }),
    hostAlert('DiskFillingIn24h', 'warning', 'disk', 'panel-2.example.com', { panel: 'panel-2', ...disk('/var') }),
    probeAlert('PanelSlow', 'warning', 'panel', 'panel-1'),
  ]);
  await waitFor('the warnings', () => slackAbout(slack.messages, 'CertificateExpiringSoon') && slackAbout(slack.messages, 'DiskFillingIn24h')
    && slackAbout(slack.messages, 'PanelSlow'));
  await sleep(2_500);

  const expiring = slackAbout(slack.messages, 'CertificateExpiringSoon');
  assert.ok(expiring.includes('*panel-2*'), expiring);
  assert.ok(!expiring.includes('*panel-1*'), `CertificateExpiringSoon of an expired certificate is inhibited:\n${expiring}`);
  const filling = slackAbout(slack.messages, 'DiskFillingIn24h');
  assert.match(filling, /\*panel-1 \/\*/, 'another disk of the same host is delivered');
  assert.match(filling, /\*panel-2 \/var\*/);
  assert.doesNotMatch(filling, /\*panel-1 \/var\*/, 'DiskFillingIn24h of a full disk is inhibited');
  assert.match(slackAbout(slack.messages, 'PanelSlow'), /\*panel-1\*/, 'a critical alert of another topic silences nothing');
  assert.equal(await alertState(am.url, { alertname: 'CertificateExpiringSoon', panel: 'panel-1' }), 'suppressed (inhibited)');
  assert.equal(await alertState(am.url, { alertname: 'DiskFillingIn24h', panel: 'panel-1', mountpoint: '/var' }), 'suppressed (inhibited)');
  assert.equal(smtp.mails.filter((m) => /CertificateExpiringSoon|DiskFillingIn24h/.test(m.subject ?? '')).length, 0, 'warnings never email');

  // The critical ones resolve: the warnings they held back are delivered.
  const now = new Date().toISOString();
  await postAlerts(am.url, critical.map((alert) => ({ ...alert, endsAt: now })));
  await waitFor('CertificateExpiringSoon of panel-1 once its certificate is renewed',
    () => slackAbout(slack.messages, 'CertificateExpiringSoon').includes('*panel-1*'));
  await waitFor('DiskFillingIn24h of panel-1 /var once it is no longer full',
    () => /\*panel-1 \/var\*/.test(slackAbout(slack.messages, 'DiskFillingIn24h')));
});
