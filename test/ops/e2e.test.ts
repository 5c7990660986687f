// End to end, the shipped stack on loopback with short intervals: real exporter, prober (scheduler),
// Prometheus (shipped rules) and two clustered Alertmanagers (shipped routing), a local Slack
// webhook and SMTP sink. Panels that stop are announced once, with their reason, together when they
// stop together, and resolved; a slow panel and a panel that drops one check never alert; with one
// Alertmanager of the pair killed the notification still arrives exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../helpers/ports.js';
import { startSlackReceiver, slackText } from '../helpers/slack-receiver.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import type { ParsedMail } from 'mailparser';
import { waitFor } from '../helpers/wait.js';
import {
  Panel, alertmanagerConfig, instantQuery, startAlertmanager, startExporter, startPrometheus, startProber, tempDir, writePanels,
} from './stack.js';

/** The email's text and HTML parts both list the panel `name` with the failure reason the prober saw. */
function assertMailNamesReason(mail: ParsedMail, name: string, reason: string): void {
  assert.ok((mail.text ?? '').includes(`- ${name}: ${reason}, since `), `text part:\n${mail.text}`);
  const html = typeof mail.html === 'string' ? mail.html : '';
  const row = html.split('<tr').find((r) => r.includes(`<strong>${name}</strong>`));
  assert.ok(row, `no row for ${name} in the HTML part:\n${html}`);
  assert.ok(row.includes(`<td>${reason}</td>`), `HTML row of ${name}:\n${row}`);
}

test('panels down → one Slack message and one email each time, resolved; slow and flaky panels never alert; HA pair', async (t) => {
  const slack = await startSlackReceiver(t);
  const smtp = await startSmtpSink(t);
  const panels = {
    a: new Panel(await freePort()),
    b: new Panel(await freePort()),
    slow: new Panel(await freePort(), 700),
    flaky: new Panel(await freePort()),
  };
  for (const panel of Object.values(panels)) {
    await panel.start();
    t.after(() => panel.stop());
  }
  const dir = tempDir('e2e');
  const panelsFile = join(dir, 'panels.json');
  writePanels(panelsFile, Object.fromEntries(Object.entries(panels).map(([name, panel]) => [panel.url, { panel: name }])));

  // Shipped timing scaled down 5×: a check every 2s with one retry; PanelDown's `for:` (20s for a
  // 10s interval) becomes 4s + one scrape, still more than one check interval plus one scrape.
  const exporter = await startExporter(t);
  const prober = await startProber(t, dir, { panelsFile, timing: { interval: '2s', timeout: '1500ms', retries: 1, retry_interval: '300ms' } });
  const amDir = tempDir('e2e-am');
  const amConfig = alertmanagerConfig(amDir, { slackUrl: slack.url, smarthost: smtp.smarthost, groupWait: '4s', groupInterval: '3s' });
  const am1 = await startAlertmanager(t, amConfig, { peers: [] });
  const am2 = await startAlertmanager(t, amConfig, { peers: [am1.clusterAddress!] });
  const prometheus = await startPrometheus(t, dir, {
    exporter: exporter.address,
    prober: prober.address,
    alertmanagers: [am1.url.slice('http://'.length), am2.url.slice('http://'.length)],
    scrapeInterval: '1s',
    alertFor: { PanelDown: '5s' },
  });
  await waitFor('all four panels up in Prometheus', async () =>
    (await instantQuery(prometheus.url, 'probe_success{job="prober"} == 1')).length === 4, { timeoutMs: 30_000 });
  await waitFor('the Alertmanagers to see each other', async () => {
    const status = (await (await fetch(`${am2.url}/api/v2/status`)).json()) as { cluster: { peers: unknown[] } };
    return status.cluster.peers.length === 2;
  });

  const messagesAbout = (what: RegExp): number => slack.messages.filter((m) => what.test(slackText(m))).length;
  const settle = () => sleep(4_000);

  // Two panels stop together (a fresh alert group: group_wait gathers both); meanwhile the flaky
  // panel drops exactly one check. Both Alertmanagers run: one message, one email.
  panels.flaky.failNext = 2;
  await Promise.all([panels.a.stop(), panels.b.stop()]);
  const downAB = await waitFor('Slack: panels a and b down', () => slack.messages.find((m) => /PanelDown/.test(slackText(m))), { timeoutMs: 40_000 });
  assert.match(slackText(downAB), /PanelDown: 2 firing/);
  assert.ok(slackText(downAB).includes('*a*: connect_refused (since '), slackText(downAB));
  assert.ok(slackText(downAB).includes('*b*: connect_refused (since '), slackText(downAB));
  const mailAB = await waitFor('email: panels a and b down', () => smtp.mails[0]);
  assert.equal(mailAB.subject, '[FIRING:2] PanelDown: a, b');
  for (const name of ['a', 'b']) assertMailNamesReason(mailAB, name, 'connect_refused');
  await settle();
  assert.equal(messagesAbout(/PanelDown/), 1, 'the HA pair sends it once');
  assert.equal(smtp.mails.length, 1, smtp.mails.map((m) => `${m.subject}\n${m.text}`).join('\n---\n'));
  assert.equal(panels.flaky.failNext, 0, 'the flaky panel did drop a check');

  // They come back a check or two apart, so the resolved notices may come in one or two messages.
  await Promise.all([panels.a.start(), panels.b.start()]);
  const slackSince = (from: number): string => slack.messages.slice(from).map(slackText).join('\n');
  await waitFor('Slack: a and b resolved', () =>
    slackSince(1).includes('back to normal: *a*') && slackSince(1).includes('back to normal: *b*')
    && /RESOLVED PanelDown/.test(slackText(slack.messages.at(-1)!)), { timeoutMs: 30_000 });
  await waitFor('email: a and b resolved', () => smtp.mails.some((m) => m.subject?.startsWith('[RESOLVED] PanelDown')));
  await settle();

  // One Alertmanager of the pair dies; one panel stops: still exactly one message and one email.
  await am1.process.stop();
  const before = slack.messages.length;
  const mailsBefore = smtp.mails.length;
  await panels.a.stop();
  const downA = await waitFor('Slack: panel a down', () => slack.messages.slice(before).find((m) => /PanelDown: 1 firing/.test(slackText(m))), { timeoutMs: 40_000 });
  assert.ok(slackText(downA).includes('*a*: connect_refused (since '), slackText(downA));
  assert.ok(!slackText(downA).includes(panels.b.url));
  const mailA = await waitFor('email: panel a down', () => smtp.mails.slice(mailsBefore).find((m) => m.subject?.startsWith('[FIRING:1]')));
  assert.equal(mailA.subject, '[FIRING:1] PanelDown: a');
  assertMailNamesReason(mailA, 'a', 'connect_refused');
  assert.ok(!(mailA.text ?? '').includes(panels.b.url), mailA.text);
  await settle();
  assert.equal(slack.messages.length, before + 1, 'exactly one message');
  assert.equal(smtp.mails.length, mailsBefore + 1, 'exactly one email');
  await panels.a.start();
  await waitFor('Slack: a resolved', () => /RESOLVED PanelDown: 1/.test(slackSince(before)), { timeoutMs: 30_000 });
  await waitFor('email: a resolved', () => smtp.mails.slice(mailsBefore).some((m) => m.subject === '[RESOLVED] PanelDown: a'));

  // The slow and flaky panels never alerted, not even as pending for long enough to fire.
  const noisy = `ALERTS{alertstate="firing", target=~"${panels.slow.url}|${panels.flaky.url}"}`;
  assert.deepEqual(await instantQuery(prometheus.url, `max_over_time(${noisy}[10m])`), []);
  for (const panel of [panels.slow, panels.flaky]) {
    assert.ok(!slack.messages.some((m) => slackText(m).includes(panel.url)), `${panel.url} in Slack`);
    assert.ok(!smtp.mails.some((m) => (m.text ?? '').includes(panel.url)), `${panel.url} in an email`);
  }
  const flakyFailures = await instantQuery(prometheus.url, `probe_checks_total{target="${panels.flaky.url}", result="failure"}`);
  assert.equal(flakyFailures[0]?.value[1], '1', 'the flaky panel failed exactly one check');
  const slowDuration = await instantQuery(prometheus.url, `max_over_time(probe_duration_seconds{target="${panels.slow.url}"}[10m])`);
  assert.ok(Number(slowDuration[0]?.value[1]) >= 0.7, 'the slow panel was slow');
});
