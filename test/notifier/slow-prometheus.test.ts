/**
 * Prometheus that never answers (a port whose handshake never completes): the message still goes
 * to Slack and email once the graph's budget is spent, without the graph, saying why.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { silentLogger } from '../../common/logging.js';
import { EmailSender } from '../../notifier/email.js';
import { NotifierMetrics } from '../../notifier/metrics.js';
import { Notifier } from '../../notifier/notify.js';
import { PrometheusClient } from '../../notifier/prometheus.js';
import { SlackSender } from '../../notifier/slack.js';
import { normalizeNotification, type Notification } from '../../notifier/webhook.js';
import { freePort } from '../helpers/ports.js';
import { startSlackApiFake } from '../helpers/slack-api.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { startUnacceptedPort } from '../helpers/unaccepted-port.js';
import { waitFor } from '../helpers/wait.js';

const notification = normalizeNotification(JSON.parse(readFileSync(new URL('fixtures/panel-down-firing.json', import.meta.url), 'utf8')) as Notification);

test('with Prometheus hanging, both messages go without the graph once its budget is spent', async (t) => {
  const silent = await startUnacceptedPort(t);
  const slack = await startSlackApiFake(t);
  const smtp = await startSmtpSink(t);
  const metrics = new NotifierMetrics();
  const email = new EmailSender({ smarthost: smtp.smarthost, from: 'platypus@example.net', to: ['oncall@example.net'], requireTLS: false, timeoutMs: 10_000 });
  t.after(() => email.close());
  const notifier = new Notifier({
    graph: { prometheus: new PrometheusClient(`http://127.0.0.1:${silent.port}`), rangeSeconds: 3600, maxAlertsCharted: 4, timeoutMs: 1_500, fontFiles: [], metrics },
    slack: new SlackSender({ token: slack.token, channel: '#alerts', apiUrl: slack.apiUrl, timeoutMs: 10_000 }),
    email,
    sendTimeoutMs: 10_000,
    metrics,
    logger: silentLogger(),
  });
  const deliveries = await notifier.notify(notification);
  assert.deepEqual(deliveries, [{ channel: 'slack', ok: true }, { channel: 'email', ok: true }]);
  assert.match(slack.messages[0]!.attachments[0]!.text ?? '', /No graph: the graph was not ready within 1\.5s \(Prometheus slow or down\)/);
  assert.equal(slack.files.length, 0);
  await waitFor('the email', () => smtp.mails.length === 1);
  assert.equal(smtp.mails[0]!.attachments.length, 0);
  assert.match(smtp.mails[0]!.text ?? '', /No graph: the graph was not ready within 1\.5s/);
  assert.match(await metrics.registry.getSingleMetricAsString('platypus_notifier_graphs_total'), /result="timeout"} 1/);
});

test('a Slack that refuses the token fails only Slack; the email still goes', async (t) => {
  const slack = await startSlackApiFake(t);
  const smtp = await startSmtpSink(t);
  const metrics = new NotifierMetrics();
  const email = new EmailSender({ smarthost: smtp.smarthost, from: 'platypus@example.net', to: ['oncall@example.net'], requireTLS: false, timeoutMs: 10_000 });
  t.after(() => email.close());
  const notifier = new Notifier({
    graph: { prometheus: new PrometheusClient(`http://127.0.0.1:${await freePort()}`), rangeSeconds: 3600, maxAlertsCharted: 4, timeoutMs: 1_500, fontFiles: [], metrics },
    slack: new SlackSender({ token: 'xoxb-wrong', channel: '#alerts', apiUrl: slack.apiUrl, timeoutMs: 10_000 }),
    email,
    sendTimeoutMs: 10_000,
    metrics,
    logger: silentLogger(),
  });
  const deliveries = await notifier.notify(notification);
  assert.equal(deliveries[0]!.ok, false);
  assert.match(deliveries[0]!.error ?? '', /invalid_auth/);
  assert.doesNotMatch(deliveries[0]!.error ?? '', /xoxb-wrong/);
  assert.deepEqual(deliveries[1], { channel: 'email', ok: true });
  assert.match(await metrics.registry.getSingleMetricAsString('platypus_notifier_messages_failed_total'), /channel="slack"} 1/);
});
