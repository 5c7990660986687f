// A group already notified: the next message says what is still firing and for how long, and what
// changed since the last one; silences say when a maintenance window ended or holds an alert back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { silentLogger } from '../../common/logging.js';
import { SilencesClient, type GettableSilence } from '../../maintenance/silences.js';
import { alertName, describe as describeNotification, type AlertFacts } from '../../notifier/describe.js';
import { emailMessage } from '../../notifier/email-message.js';
import { GroupMemory, messageOf, type LastMessage } from '../../notifier/group-memory.js';
import type { Silence } from '../../notifier/maintenance-notes.js';
import { NotifierMetrics } from '../../notifier/metrics.js';
import { Notifier } from '../../notifier/notify.js';
import { PrometheusClient } from '../../notifier/prometheus.js';
import { SlackSender } from '../../notifier/slack.js';
import { slackMessage } from '../../notifier/slack-message.js';
import { normalizeNotification, type Alert, type Notification } from '../../notifier/webhook.js';
import { freePort } from '../helpers/ports.js';
import { startSlackApiFake } from '../helpers/slack-api.js';

function fixture(name: string): Notification {
  return normalizeNotification(JSON.parse(readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8')) as Notification);
}

const silencesJson = readFileSync(new URL('fixtures/silences.json', import.meta.url), 'utf8');
const SILENCES: Silence[] = (JSON.parse(silencesJson) as GettableSilence[]).map((s) => ({
  matchers: s.matchers,
  startsAtMs: Date.parse(s.startsAt),
  endsAtMs: Date.parse(s.endsAt),
  comment: s.comment,
  state: s.status.state,
}));
const NOW = Date.parse('2026-12-02T10:10:00.000Z');
const LAST = Date.parse('2026-12-02T10:00:15.000Z');
const noFacts = new Map<Alert, AlertFacts>();

test('a repeat with nothing changed is a reminder: still firing, for how long, no change since the last message', () => {
  const notification = fixture('panel-down-firing.json');
  const previous = messageOf(notification, LAST, alertName);
  const description = describeNotification(notification, noFacts, undefined, { nowMs: NOW, previous });
  assert.equal(description.followUp?.kind, 'reminder');
  assert.equal(description.subject, 'Reminder: [FIRING:1] PanelDown: game-panel-7');
  assert.equal(description.fallback, 'Reminder: CRITICAL PanelDown: game-panel-7');
  assert.equal(description.headline, 'Reminder: PanelDown: 1 still firing');
  const text = emailMessage(description, NOW, false).text;
  assert.match(text, /Since the last message \(2026-12-02 10:00:15 UTC\): no change\n/);
  assert.match(text, /Still firing:\n- game-panel-7 since 2026-12-02 10:00:40 UTC \(for 9m 20s\)/);
  assert.doesNotMatch(text, /^Firing:/m);
  const slack = slackMessage(description, NOW).attachments[0]!.text;
  assert.match(slack, /^_Since the last message \(2026-12-02 10:00:15 UTC\): no change_\n\*Still firing\*\n• \*game-panel-7\* since 2026-12-02 10:00:40 UTC \(for 9m 20s\)/);
});

test('a follow-up with changes lists what is new, still firing, back, and no longer notified (with its maintenance window)', () => {
  const notification = fixture('panel-down-partial.json');
  const [one, , three] = notification.alerts;
  const four: Alert = { ...one!, labels: { ...one!.labels, panel: 'game-panel-4' }, fingerprint: '0000000000000004' };
  const previous: LastMessage = messageOf({ ...notification, alerts: [one!, { ...three!, status: 'firing' }, four] }, LAST, alertName);
  const description = describeNotification(notification, noFacts, undefined, { nowMs: NOW, previous, silences: SILENCES });
  assert.equal(description.followUp?.kind, 'update');
  assert.equal(description.headline, 'PanelDown: 1 new, 1 still firing, 1 resolved');
  assert.equal(description.subject, '[FIRING:2] PanelDown: game-panel-1, https://panel-2.example.net/');
  const text = emailMessage(description, NOW, false).text;
  assert.match(text, /Since the last message \(2026-12-02 10:00:15 UTC\): 1 new, 1 back to normal, 1 no longer notified\n/);
  assert.match(text, /New since the last message:\n- https:\/\/panel-2\.example\.net\/ since 2026-12-02 10:05:00 UTC \(for 5m 0s\)\n/);
  assert.match(text, /Still firing:\n- game-panel-1 since 2026-12-02 10:00:40 UTC \(for 9m 20s\)\n/);
  assert.match(text, /Back to normal:\n- back: game-panel-3 from/);
  assert.match(text, /No longer notified \(silenced, inhibited, or resolved unannounced\):\n- game-panel-4\n {2}in maintenance since 2026-12-02 10:02:00 UTC until 2026-12-02 12:00:00 UTC \(disk swap\)/);
  const html = emailMessage(description, NOW, false).html;
  assert.match(html, /<h3>New since the last message<\/h3>[\s\S]*<h3>Still firing<\/h3>[\s\S]*<h3>Back to normal<\/h3>[\s\S]*<h3>No longer notified/);
});

test('a firing alert whose maintenance window ended since the last message says so, with the reason', () => {
  const notification = fixture('panel-down-partial.json');
  // No last message remembered: windows that ended in the last 10 minutes.
  const description = describeNotification(notification, noFacts, undefined, { nowMs: NOW, silences: SILENCES });
  assert.equal(description.followUp, undefined, 'a plain first message');
  assert.equal(description.firing[0]!.maintenance, 'maintenance window ended at 2026-12-02 10:05:00 UTC (kernel update)');
  // panel-2 has no `panel` label: the negative matcher `panel!="game-panel-1"` holds for it.
  assert.equal(description.firing[1]!.maintenance, 'maintenance window ended at 2026-12-02 10:08:00 UTC (every panel but game-panel-1)');
  assert.match(slackMessage(description, NOW).attachments[0]!.text, /• \*game-panel-1\* since [^\n]+\n {4}fra: HTTP 502, ams: HTTP 502\n {4}_maintenance window ended at 2026-12-02 10:05:00 UTC \(kernel update\)_/);
  assert.match(emailMessage(description, NOW, false).html, /<em style="color:#57606a">maintenance window ended at 2026-12-02 10:05:00 UTC \(kernel update\)<\/em>/);
  // A window that ended before the group's last message was told then.
  const later = describeNotification(notification, noFacts, undefined, { nowMs: NOW, silences: SILENCES, previous: { atMs: Date.parse('2026-12-02T10:06:00Z'), firing: new Map() } });
  assert.equal(later.firing[0]!.maintenance, undefined);
  assert.ok(later.firing[1]!.maintenance?.includes('10:08:00'));
});

test('an alert missing from a truncated group is not called gone: it may just not have been sent', () => {
  const notification = fixture('panel-down-firing.json');
  const other: Alert = { ...notification.alerts[0]!, labels: { ...notification.alerts[0]!.labels, panel: 'game-panel-8' }, fingerprint: 'ffff' };
  const previous = messageOf({ ...notification, alerts: [...notification.alerts, other] }, LAST, alertName);
  assert.equal(describeNotification(notification, noFacts, undefined, { nowMs: NOW, previous }).followUp?.gone.length, 1);
  const truncated = describeNotification({ ...notification, truncatedAlerts: 1 }, noFacts, undefined, { nowMs: NOW, previous });
  assert.deepEqual(truncated.followUp?.gone, []);
  assert.equal(truncated.followUp?.kind, 'reminder');
});

test('the memory of groups is bounded in number and in time, and an all-clear ends a group', () => {
  const memory = new GroupMemory({ maxGroups: 2, forgetAfterMs: 60_000 });
  const firing = (atMs: number): LastMessage => ({ atMs, firing: new Map([['a', { name: 'a', labels: {} }]]) });
  memory.remember('g1', firing(0));
  memory.remember('g2', firing(1_000));
  memory.remember('g1', firing(2_000)); // g1 is now the most recently sent
  memory.remember('g3', firing(3_000));
  assert.equal(memory.size, 2);
  assert.equal(memory.last('g2', 3_000), undefined, 'the least recently sent group is forgotten first');
  assert.equal(memory.last('g1', 3_000)?.atMs, 2_000);
  assert.equal(memory.last('g1', 62_001), undefined, 'forgotten after forgetAfterMs');
  memory.remember('g3', { atMs: 4_000, firing: new Map() });
  assert.equal(memory.last('g3', 4_000), undefined, 'an all-clear ends the group');
  assert.equal(memory.size, 0);
});

async function silencesServer(t: TestContext, body: string): Promise<string> {
  const server = createServer((request, response) => {
    if (request.url === '/api/v2/silences') response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function notifierWithSlack(t: TestContext, alertmanagers: SilencesClient[]) {
  const slack = await startSlackApiFake(t);
  const metrics = new NotifierMetrics();
  const notifier = new Notifier({
    graph: { prometheus: new PrometheusClient(`http://127.0.0.1:${await freePort()}`), rangeSeconds: 3600, maxAlertsCharted: 4, timeoutMs: 2_000, fontFiles: [], metrics },
    slack: new SlackSender({ token: slack.token, channel: '#alerts', apiUrl: slack.apiUrl, timeoutMs: 5_000 }),
    sendTimeoutMs: 5_000,
    metrics,
    logger: silentLogger(),
    alertmanagers,
    silencesTimeoutMs: 2_000,
  });
  return { slack, notifier };
}

/** A notification of now, as Alertmanager sends it: the alert started a minute ago, game-panel-1's window just ended. */
function current(): Notification {
  const notification = fixture('panel-down-firing.json');
  const alert = { ...notification.alerts[0]!, labels: { ...notification.alerts[0]!.labels, panel: 'game-panel-1' }, startsAt: new Date(Date.now() - 60_000).toISOString() };
  return { ...notification, alerts: [alert] };
}

test('the notifier remembers what it sent per group: the second message of a group is a reminder', async (t) => {
  const ended = JSON.stringify([{ ...JSON.parse(silencesJson)[0], endsAt: new Date(Date.now() - 30_000).toISOString() }]);
  // The first Alertmanager does not answer: the next one is asked.
  const alertmanagers = [new SilencesClient(`http://127.0.0.1:${await freePort()}`, { timeoutMs: 2_000 }), new SilencesClient(await silencesServer(t, ended), { timeoutMs: 2_000 })];
  const { slack, notifier } = await notifierWithSlack(t, alertmanagers);
  assert.deepEqual((await notifier.notify(current())).map((d) => d.ok), [true]);
  assert.deepEqual((await notifier.notify(current())).map((d) => d.ok), [true]);
  await notifier.notify({ ...current(), groupKey: 'another group' });
  const [first, second, other] = slack.messages.map((m) => m.attachments[0]!);
  assert.equal(first!.fallback, 'CRITICAL PanelDown: game-panel-1');
  assert.match(first!.text ?? '', /_maintenance window ended at [^_]+ \(kernel update\)_/);
  assert.equal(second!.fallback, 'Reminder: CRITICAL PanelDown: game-panel-1');
  assert.match(second!.text ?? '', /no change_\n\*Still firing\*\n• \*game-panel-1\* since .* \(for 1m \d+s\)/);
  assert.doesNotMatch(second!.text ?? '', /maintenance window ended/, 'told once: it ended before the last message');
  assert.equal(other!.fallback, 'CRITICAL PanelDown: game-panel-1', 'another group is a first message');
});

test('no Alertmanager answering drops only the maintenance line, never the message', async (t) => {
  const { slack, notifier } = await notifierWithSlack(t, [new SilencesClient(await silencesServer(t, '{"not":"a list"}'), { timeoutMs: 2_000 }), new SilencesClient(`http://127.0.0.1:${await freePort()}`, { timeoutMs: 2_000 })]);
  assert.deepEqual((await notifier.notify(current())).map((d) => d.ok), [true]);
  assert.equal(slack.messages[0]!.attachments[0]!.fallback, 'CRITICAL PanelDown: game-panel-1');
  assert.doesNotMatch(slack.messages[0]!.attachments[0]!.text ?? '', /maintenance/);
});

// The test's own timeout (30s, half the client's 60s) fails it if the 2s bound does not hold.
test('an Alertmanager that never answers costs at most the silences bound', { timeout: 30_000 }, async (t) => {
  const hanging = createServer(() => undefined); // accepts, never answers
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    hanging.closeAllConnections();
    hanging.close();
  });
  const { slack, notifier } = await notifierWithSlack(t, [new SilencesClient(`http://127.0.0.1:${(hanging.address() as AddressInfo).port}`, { timeoutMs: 60_000 })]);
  assert.deepEqual((await notifier.notify(current())).map((d) => d.ok), [true], 'sent within the 2s bound, not the client\'s 60s');
  assert.doesNotMatch(slack.messages[0]!.attachments[0]!.text ?? '', /maintenance/);
});
