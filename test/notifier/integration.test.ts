/**
 * The notifier as shipped (its CLI), against a real Prometheus, a local Slack Web API fake and an
 * SMTP sink: one webhook gives one Slack message with the graph in its thread and one email with
 * the graph inline; with Prometheus stopped both still go, without the graph, saying why.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { formatTime } from '../../notifier/time-text.js';
import { alertPlots, METRIC_GRAPHS, PANEL_GRAPHS } from '../../notifier/graphs.js';
import { PrometheusClient } from '../../notifier/prometheus.js';
import { freePort } from '../helpers/ports.js';
import { startProcess, waitForHttp } from '../helpers/process.js';
import { startLocalPrometheus } from '../helpers/prometheus.js';
import { startSlackApiFake } from '../helpers/slack-api.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { waitFor } from '../helpers/wait.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const fixture = readFileSync(new URL('fixtures/panel-down-firing.json', import.meta.url), 'utf8');
const TARGET = 'https://panel-7.example.net/health';

/** What the prober's scheduler exposes for one panel checked from two locations, both failing. */
async function startFakeProber(t: TestContext, sinceByLocation: Record<string, number>): Promise<string> {
  const lines = Object.entries(sinceByLocation).flatMap(([location, since]) => {
    const labels = `target="${TARGET}",module="http_2xx",panel="game-panel-7",location="${location}",instance="prober-${location}:9115"`;
    return [
      `probe_success{${labels}} 0`,
      `probe_duration_seconds{${labels}} 0.25`,
      `probe_target_state_since_timestamp_seconds{${labels}} ${since}`,
    ];
  });
  const body = `${lines.join('\n')}\n`;
  const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function sample(metrics: string, name: string): number {
  const line = metrics.split('\n').find((each) => each.startsWith(`${name} `));
  assert.ok(line !== undefined, `${name} missing`);
  return Number(line.split(' ')[1]);
}

test('a webhook reaches Slack and email with its graph, and without it (saying why) when Prometheus is down', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'platypus-notifier-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const now = Math.floor(Date.now() / 1000);
  // The panel failed from fra first; it counts as down once the second location (ams) failed too.
  const since = { fra: now - 150, ams: now - 90 };
  const prober = await startFakeProber(t, since);
  const prometheus = await startLocalPrometheus(t, dir, 'prober', [prober]);
  await waitFor('Prometheus to have both locations', async () => {
    const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent('count(probe_target_state_since_timestamp_seconds)')}`);
    const body = (await response.json()) as { data: { result: Array<{ value: [number, string] }> } };
    return body.data.result[0]?.value[1] === '2';
  }, { timeoutMs: 30_000 });

  const slack = await startSlackApiFake(t);
  const smtp = await startSmtpSink(t);
  const tokenFile = join(dir, 'slack-token');
  writeFileSync(tokenFile, `${slack.token}\n`, { mode: 0o600 });
  const passwordFile = join(dir, 'smtp-password');
  writeFileSync(passwordFile, 'hunter2-secret\n', { mode: 0o600 });
  const address = `127.0.0.1:${await freePort()}`;
  const notifier = startProcess(t, process.execPath, [
    '--import', 'tsx', 'notifier/cli.ts',
    `--web.listen-address=${address}`,
    `--prometheus.url=${prometheus.url}`,
    '--graph.timeout=20s',
    `--slack.token-file=${tokenFile}`,
    '--slack.channel=#alerts',
    `--slack.api-url=${slack.apiUrl}`,
    `--smtp.smarthost=${smtp.smarthost}`,
    '--smtp.from=Platypus <platypus@example.net>',
    '--smtp.to=oncall@example.net',
    '--smtp.username=platypus',
    `--smtp.password-file=${passwordFile}`,
    '--no-smtp.require-tls',
    '--log.level=debug',
  ]);
  await waitForHttp(notifier, `http://${address}/-/healthy`, 30_000);

  const first = await fetch(`http://${address}/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: fixture });
  assert.equal(first.status, 200, await first.clone().text());
  assert.deepEqual(((await first.json()) as { deliveries: unknown[] }).deliveries, [{ channel: 'slack', ok: true }, { channel: 'email', ok: true }]);

  assert.equal(slack.messages.length, 1);
  const message = slack.messages[0]!;
  assert.equal(message.channel, '#alerts');
  assert.match(message.text ?? '', /game-panel-7/);
  const attachment = message.attachments[0]!;
  assert.match(attachment.fallback ?? '', /PanelDown: game-panel-7/);
  assert.match(attachment.text ?? '', /\*game-panel-7\* from 2 locations/);
  assert.ok(attachment.text?.includes(`since ${formatTime(since.ams * 1000)}`), attachment.text);
  assert.doesNotMatch(attachment.text ?? '', /No graph/);
  assert.deepEqual(slack.calls, ['chat.postMessage', 'files.getUploadURLExternal', 'files.completeUploadExternal']);
  const file = slack.files[0]!;
  assert.deepEqual(file.bytes.subarray(0, 8), PNG_SIGNATURE);
  assert.equal(file.bytes.readUInt32BE(16), 800, 'PNG width');
  assert.equal(file.channelId, 'C0PLATYPUS');
  assert.equal(file.threadTs, message.ts, 'graph in the thread of the message');

  await waitFor('the first email', () => smtp.mails.length === 1);
  const mail = smtp.mails[0]!;
  assert.equal(mail.subject, '[FIRING:1] PanelDown: game-panel-7');
  const image = mail.attachments.find((attachment) => attachment.contentId !== undefined);
  assert.ok(image !== undefined, 'inline image');
  assert.deepEqual(image.content.subarray(0, 8), PNG_SIGNATURE);
  // mailparser resolves the HTML's cid: reference to the attachment and inlines it.
  assert.equal(image.related, true, 'the HTML refers to the image by its CID');
  assert.ok(typeof mail.html === 'string' && mail.html.includes(`<img src="data:image/png;base64,${image.content.toString('base64').slice(0, 40)}`), 'the image is in the HTML');
  assert.match(mail.text ?? '', /game-panel-7 from 2 locations since/);

  // Every graph's queries parse and run on the real Prometheus (no data needed).
  const client = new PrometheusClient(prometheus.url);
  const labels = { job: 'node', instance: '10.0.0.7:9100', mountpoint: '/', device: '/dev/vda1', collector: 'cpu', target: TARGET, module: 'http_2xx', severity: 'warning' };
  for (const alertname of [...Object.keys(METRIC_GRAPHS), ...Object.keys(PANEL_GRAPHS)]) {
    const alert = { status: 'firing' as const, labels: { ...labels, alertname }, annotations: {}, startsAt: '', endsAt: '', generatorURL: '', fingerprint: '' };
    const plots = await alertPlots(alert, 'x', client, now, 3600, AbortSignal.timeout(20_000));
    assert.ok(plots.length > 0, alertname);
  }

  await prometheus.process.stop();
  const second = await fetch(`http://${address}/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: fixture });
  assert.equal(second.status, 200);
  assert.equal(slack.messages.length, 2);
  assert.match(slack.messages[1]!.attachments[0]!.text ?? '', /No graph: Prometheus did not answer \(ECONNREFUSED\)/);
  assert.equal(slack.files.length, 1, 'no second upload');
  await waitFor('the second email', () => smtp.mails.length === 2);
  const fallbackMail = smtp.mails[1]!;
  assert.equal(fallbackMail.attachments.length, 0);
  assert.match(fallbackMail.text ?? '', /No graph: Prometheus did not answer/);
  // Without Prometheus the alert's own start is all there is.
  assert.match(fallbackMail.text ?? '', /since 2026-12-02 10:00:40 UTC/);

  const metrics = await (await fetch(`http://${address}/metrics`)).text();
  assert.equal(sample(metrics, 'platypus_notifier_messages_sent_total{channel="slack"}'), 2);
  assert.equal(sample(metrics, 'platypus_notifier_messages_sent_total{channel="email"}'), 2);
  assert.equal(sample(metrics, 'platypus_notifier_graphs_total{result="attached"}'), 1);
  assert.equal(sample(metrics, 'platypus_notifier_graphs_total{result="prometheus_error"}'), 1);
  assert.equal(sample(metrics, 'platypus_notifier_graph_render_duration_seconds_count'), 1);
  assert.ok(!notifier.output().includes(slack.token) && !notifier.output().includes('hunter2-secret'), 'no secret in the log');
});
