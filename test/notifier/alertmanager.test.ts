/**
 * The real Alertmanager's webhook, as it sends it (max_alerts truncating the group), is taken by
 * the notifier and becomes one Slack message and one email naming the panels.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { silentLogger } from '../../common/logging.js';
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

test("Alertmanager's own webhook payload reaches Slack and email through the notifier", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'platypus-notifier-am-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const slack = await startSlackApiFake(t);
  const smtp = await startSmtpSink(t);
  const metrics = new NotifierMetrics();
  const logger = silentLogger();
  const email = new EmailSender({ smarthost: smtp.smarthost, from: 'platypus@example.net', to: ['oncall@example.net'], requireTLS: false, timeoutMs: 10_000 });
  const notifier = new Notifier({
    graph: { prometheus: new PrometheusClient(`http://127.0.0.1:${await freePort()}`), rangeSeconds: 3600, maxAlertsCharted: 4, timeoutMs: 5_000, fontFiles: [], metrics },
    slack: new SlackSender({ token: slack.token, channel: '#alerts', apiUrl: slack.apiUrl, timeoutMs: 10_000 }),
    email,
    sendTimeoutMs: 10_000,
    metrics,
    logger,
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
      route: { receiver: 'notifier', group_by: ['alertname'], group_wait: '1s', group_interval: '15s', repeat_interval: '1h' },
      receivers: [{ name: 'notifier', webhook_configs: [{ url: `http://127.0.0.1:${notifierPort}${WEBHOOK_PATH}`, send_resolved: true, max_alerts: 2 }] }],
    }),
  );
  const amPort = await freePort();
  const alertmanager = startProcess(t, requireBinary('prometheus-alertmanager', 'prometheus-alertmanager'), [
    `--config.file=${config}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${amPort}`,
    '--cluster.listen-address=',
  ]);
  const amUrl = `http://127.0.0.1:${amPort}`;
  await waitForHttp(alertmanager, `${amUrl}/-/ready`, 30_000);

  // Starting now: an alert older than group_wait flushes its group at once, maybe before the other two arrive.
  const startsAt = new Date().toISOString();
  const panel = (target: string, name?: string) => ({
    labels: { alertname: 'PanelDown', severity: 'critical', job: 'prober', module: 'http_2xx', target, ...(name === undefined ? {} : { panel: name }) },
    annotations: { reason: 'fra: connection refused' },
    startsAt,
    generatorURL: 'http://prometheus.example.net:9090/graph?g0.expr=probe_success',
  });
  const posted = await fetch(`${amUrl}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([panel('http://127.0.0.1:1/a', 'panel-a'), panel('http://127.0.0.1:1/b', 'panel-b'), panel('http://127.0.0.1:1/c')]),
  });
  assert.equal(posted.status, 200, await posted.text());

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
