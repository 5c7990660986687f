/**
 * The real Alertmanager's webhook, as it sends it (max_alerts truncating the group), is taken by
 * the notifier and becomes one Slack message and one email naming the panels; and its repeats of a
 * group become reminders that say what is still down and what changed, maintenance windows included.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { silentLogger } from '../../common/logging.js';
import { SilencesClient } from '../../maintenance/silences.js';
import { buildNotifierApp, WEBHOOK_PATH } from '../../notifier/app.js';
import { EmailSender } from '../../notifier/email.js';
import { NotifierMetrics } from '../../notifier/metrics.js';
import { Notifier } from '../../notifier/notify.js';
import { PrometheusClient } from '../../notifier/prometheus.js';
import { SlackSender } from '../../notifier/slack.js';
import { freePort } from '../helpers/ports.js';
import { requireBinary, startProcess, waitForHttp } from '../helpers/process.js';
import { startSlackApiFake } from '../helpers/slack-api.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { waitFor } from '../helpers/wait.js';

interface Pair {
  slack: Awaited<ReturnType<typeof startSlackApiFake>>;
  smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  metrics: NotifierMetrics;
  amUrl: string;
}

/** The notifier (Slack API fake, SMTP sink, no Prometheus) behind a real Alertmanager routing everything to it. */
async function startPair(t: TestContext, route: { repeatInterval: string; groupInterval: string }, webhook: { max_alerts?: number }): Promise<Pair> {
  const dir = mkdtempSync(join(tmpdir(), 'platypus-notifier-am-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const slack = await startSlackApiFake(t);
  const smtp = await startSmtpSink(t);
  const metrics = new NotifierMetrics();
  const logger = silentLogger();
  const amPort = await freePort();
  const amUrl = `http://127.0.0.1:${amPort}`;
  const email = new EmailSender({ smarthost: smtp.smarthost, from: 'platypus@example.net', to: ['oncall@example.net'], requireTLS: false, timeoutMs: 10_000 });
  const notifier = new Notifier({
    graph: { prometheus: new PrometheusClient(`http://127.0.0.1:${await freePort()}`), rangeSeconds: 3600, maxAlertsCharted: 4, timeoutMs: 5_000, fontFiles: [], metrics },
    slack: new SlackSender({ token: slack.token, channel: '#alerts', apiUrl: slack.apiUrl, timeoutMs: 10_000 }),
    email,
    sendTimeoutMs: 10_000,
    metrics,
    logger,
    alertmanagers: [new SilencesClient(amUrl, { timeoutMs: 2_000 })],
  });
  const app = buildNotifierApp({ notifier, metrics, logger, maxBodyBytes: 1024 * 1024, maxRequests: 4, requestTimeoutMs: 30_000 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(async () => {
    await app.close();
    email.close();
  });
  const notifierPort = (app.server.address() as AddressInfo).port;

  const config = join(dir, 'alertmanager.yml');
  writeFileSync(
    config,
    JSON.stringify({
      route: { receiver: 'notifier', group_by: ['alertname'], group_wait: '1s', group_interval: route.groupInterval, repeat_interval: route.repeatInterval },
      receivers: [{ name: 'notifier', webhook_configs: [{ url: `http://127.0.0.1:${notifierPort}${WEBHOOK_PATH}`, send_resolved: true, ...webhook }] }],
    }),
  );
  const alertmanager = startProcess(t, requireBinary('prometheus-alertmanager', 'prometheus-alertmanager'), [
    `--config.file=${config}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${amPort}`,
    '--cluster.listen-address=',
  ]);
  await waitForHttp(alertmanager, `${amUrl}/-/ready`, 30_000);
  return { slack, smtp, metrics, amUrl };
}

function panel(target: string, name: string | undefined, startsAt: string, endsAt?: string) {
  return {
    labels: { alertname: 'PanelDown', severity: 'critical', job: 'prober', module: 'http_2xx', target, ...(name === undefined ? {} : { panel: name }) },
    annotations: { reason: 'fra: connection refused' },
    startsAt,
    ...(endsAt === undefined ? {} : { endsAt }),
    generatorURL: 'http://prometheus.example.net:9090/graph?g0.expr=probe_success',
  };
}

async function post(amUrl: string, alerts: object[]): Promise<void> {
  const posted = await fetch(`${amUrl}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
  assert.equal(posted.status, 200, await posted.text());
}

test("Alertmanager's own webhook payload reaches Slack and email through the notifier", async (t) => {
  const { slack, smtp, metrics, amUrl } = await startPair(t, { groupInterval: '15s', repeatInterval: '1h' }, { max_alerts: 2 });
  // Starting now: an alert older than group_wait flushes its group at once, maybe before the other two arrive.
  const startsAt = new Date().toISOString();
  await post(amUrl, [panel('http://127.0.0.1:1/a', 'panel-a', startsAt), panel('http://127.0.0.1:1/b', 'panel-b', startsAt), panel('http://127.0.0.1:1/c', undefined, startsAt)]);

  await waitFor('the Slack message', () => slack.messages.length > 0, { timeoutMs: 30_000 });
  await waitFor('the email', () => smtp.mails.length > 0, { timeoutMs: 30_000 });
  const message = slack.messages[0]!;
  const attachment = message.attachments[0]!;
  // Alertmanager sent two of the three (max_alerts) and counted the third.
  assert.match(attachment.fallback ?? '', /^CRITICAL PanelDown: (panel-a|panel-b|http:\/\/127\.0\.0\.1:1\/c), (panel-a|panel-b|http:\/\/127\.0\.0\.1:1\/c)$/);
  assert.match(attachment.text ?? '', /…and 1 more/);
  assert.match(attachment.text ?? '', /No graph: Prometheus did not answer/);
  assert.equal(attachment.text?.split('http://prometheus.example.net:9090/graph').length, 2, 'the shared link once');
  assert.match(smtp.mails[0]!.subject ?? '', /^\[FIRING:2\] PanelDown: /);
  assert.match(await metrics.registry.getSingleMetricAsString('platypus_notifier_notifications_received_total'), /result="valid"} [1-9]/);
});

test("Alertmanager's repeat of a group reads as a reminder: still down, for how long, and what changed (a window started, one ended)", async (t) => {
  const { slack, amUrl } = await startPair(t, { groupInterval: '1s', repeatInterval: '5s' }, {});
  const startsAt = new Date().toISOString();
  const alerts = ['a', 'b', 'c'].map((name) => panel(`http://127.0.0.1:1/${name}`, `panel-${name}`, startsAt));
  await post(amUrl, alerts);
  const fallbacks = (): string[] => slack.messages.map((m) => m.attachments[0]?.fallback ?? '');
  const textOf = (fallback: RegExp): string | undefined => slack.messages.find((m) => fallback.test(m.attachments[0]?.fallback ?? ''))?.attachments[0]?.text;
  await waitFor('the first message', () => fallbacks().includes('CRITICAL PanelDown: panel-a, panel-b, panel-c'), { timeoutMs: 30_000 });

  // A maintenance window starts on panel-c while it is down: Alertmanager sends nothing then, and
  // leaves it out of the group. Its next repeat is the reminder.
  const maintenance = new SilencesClient(amUrl);
  const id = await maintenance.start('panel-c', new Date(), 3600, 'kernel update', 'test');
  const reminder = await waitFor('the reminder', () => textOf(/^Reminder: CRITICAL PanelDown: panel-a, panel-b$/), { timeoutMs: 30_000 });
  assert.match(reminder, /^_Since the last message \([^)]+\): 1 no longer notified_$/m);
  assert.match(reminder, /^\*Still firing\*\n• \*panel-a\* since [^\n]+ \(for [\dms ]+\)\n {4}fra: connection refused\n• \*panel-b\* since [^\n]+ \(for [\dms ]+\)/m);
  assert.match(reminder, /^\*No longer notified \(silenced, inhibited, or resolved unannounced\)\*\n• \*panel-c\*\n {4}_in maintenance since [^)]+ until [^)]+ \(kernel update\)_/m);

  // The window ends with panel-c still down: it is notified again, saying so; then panel-b recovers.
  const before = slack.messages.length;
  await maintenance.end(id);
  const back = await waitFor('panel-c after its window', () => slack.messages.slice(before).find((m) => /panel-c/.test(m.attachments[0]?.fallback ?? ''))?.attachments[0], { timeoutMs: 30_000 });
  assert.equal(back.fallback, 'CRITICAL PanelDown: panel-a, panel-b, panel-c', 'news, not a reminder');
  assert.match(back.title ?? '', /PanelDown: 1 new, 2 still firing$/);
  assert.match(back.text ?? '', /^\*New since the last message\*\n• \*panel-c\* since [^\n]+\n {4}fra: connection refused\n {4}_maintenance window ended at [^(]+ \(kernel update\)_$/m);
  const recovered = slack.messages.length;
  await post(amUrl, [panel('http://127.0.0.1:1/b', 'panel-b', startsAt, new Date().toISOString())]);
  const update = await waitFor('the recovery', () => slack.messages.slice(recovered).find((m) => /back to normal/.test(m.attachments[0]?.text ?? ''))?.attachments[0], { timeoutMs: 30_000 });
  assert.equal(update.fallback, 'CRITICAL PanelDown: panel-a, panel-c');
  assert.match(update.text ?? '', /^\*Back to normal\*\n• back: \*panel-b\* from /m);
  assert.match(update.text ?? '', /^\*Still firing\*\n• \*panel-a\*[^\n]*\n[^\n]*\n• \*panel-c\*/m);
});
