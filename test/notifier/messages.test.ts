import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { describe as describeNotification, type AlertFacts } from '../../notifier/describe.js';
import { formatSpan } from '../../notifier/time-text.js';
import { emailMessage } from '../../notifier/email-message.js';
import { slackMessage } from '../../notifier/slack-message.js';
import { normalizeNotification, type Alert, type Notification } from '../../notifier/webhook.js';

function fixture(name: string): Notification {
  return normalizeNotification(JSON.parse(readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8')) as Notification);
}

const NOW = Date.parse('2026-12-02T10:10:00.000Z');
const noFacts = new Map<Alert, AlertFacts>();

test('the subject names only the firing panels, by their panel label (the URL only where there is none)', () => {
  const description = describeNotification(fixture('panel-down-partial.json'), noFacts);
  assert.equal(description.subject, '[FIRING:2] PanelDown: game-panel-1, https://panel-2.example.net/');
  assert.equal(description.headline, 'PanelDown: 2 firing, 1 resolved');
  const email = emailMessage(description, NOW, false);
  assert.equal(email.subject, description.subject);
  assert.doesNotMatch(email.subject, /panel-3/);
  assert.doesNotMatch(email.text, /panel-1\.example\.net/, 'a named panel is not also shown by URL');
  assert.match(email.text, /- back: game-panel-3 from 2026-12-02 09:50:00 UTC to 2026-12-02 10:03:02 UTC \(13m 2s\)/);
});

test("Slack's fallback names the panels", () => {
  const slack = slackMessage(describeNotification(fixture('panel-down-partial.json'), noFacts), NOW);
  assert.equal(slack.attachments[0]!.fallback, 'CRITICAL PanelDown: game-panel-1, https://panel-2.example.net/');
  assert.match(slack.text, /game-panel-1, https:\/\/panel-2\.example\.net\//);
});

test("'since' is the scheduler's first failure when Prometheus knows it, else the alert's start", () => {
  const notification = fixture('panel-down-partial.json');
  const facts = new Map<Alert, AlertFacts>([[notification.alerts[0]!, { downSinceMs: Date.parse('2026-12-02T10:00:02.000Z'), failingLocations: 2 }]]);
  const text = emailMessage(describeNotification(notification, facts), NOW, false).text;
  assert.match(text, /- game-panel-1 from 2 locations since 2026-12-02 10:00:02 UTC \(for 9m 58s\)/);
  assert.match(text, /- https:\/\/panel-2\.example\.net\/ since 2026-12-02 10:05:00 UTC \(for 5m 0s\)/);
});

test('"from N locations" only when several', () => {
  const notification = fixture('panel-down-partial.json');
  const [one, two] = notification.alerts;
  const facts = new Map<Alert, AlertFacts>([[one!, { failingLocations: 1 }], [two!, { failingLocations: 3 }]]);
  const description = describeNotification(notification, facts);
  assert.equal(description.firing[0]!.scope, undefined);
  assert.equal(description.firing[1]!.scope, 'from 3 locations');
  const slack = slackMessage(description, NOW).attachments[0]!.text;
  assert.doesNotMatch(slack, /location\(s\)|from 1 location/, "the rule's own location wording is not repeated");
});

test('each link appears once, however many alerts share it', () => {
  const description = describeNotification(fixture('panel-down-partial.json'), noFacts);
  assert.deepEqual(description.links.map((link) => link.label), ['Prometheus', 'Alertmanager']);
  const email = emailMessage(description, NOW, false);
  assert.equal(email.text.split('http://prometheus.example.net:9090/graph').length - 1, 1);
  assert.equal(email.html.split('http://prometheus.example.net:9090/graph').length - 1, 1);
});

test('warnings and critical alerts look different', () => {
  const critical = describeNotification(fixture('panel-down-firing.json'), noFacts);
  const warning = describeNotification(fixture('cpu-high-warning.json'), noFacts);
  assert.equal(critical.tone, 'critical');
  assert.equal(warning.tone, 'warning');
  const [criticalSlack, warningSlack] = [slackMessage(critical, NOW), slackMessage(warning, NOW)];
  assert.notEqual(criticalSlack.attachments[0]!.color, warningSlack.attachments[0]!.color);
  assert.match(criticalSlack.text, /^:rotating_light: CRITICAL /);
  assert.match(warningSlack.text, /^:warning: Warning CPUHigh: game-panel-7/);
  assert.match(emailMessage(critical, NOW, false).html, /<strong>CRITICAL<\/strong>/);
  assert.match(emailMessage(warning, NOW, false).html, /<strong>WARNING<\/strong>/);
  // Host alerts keep their rule's description.
  assert.match(emailMessage(warning, NOW, false).text, /has used 96\.5% of its CPU/);
});

test('an all-clear is green and names what came back', () => {
  const description = describeNotification(fixture('panel-down-resolved.json'), noFacts);
  assert.equal(description.tone, 'resolved');
  assert.equal(description.subject, '[RESOLVED] PanelDown: game-panel-3');
  assert.match(slackMessage(description, NOW).text, /^:white_check_mark: Resolved PanelDown: game-panel-3$/);
});

test('label values cannot inject Slack mentions or links, HTML, or mail headers', () => {
  const description = describeNotification(fixture('hostile-labels.json'), noFacts);
  const slack = slackMessage(description, NOW);
  const slackText = `${slack.text}\n${slack.attachments[0]!.text}`;
  assert.doesNotMatch(slackText, /<!channel>|<https:\/\/phish/);
  assert.match(slackText, /&lt;!channel&gt;/);
  assert.doesNotMatch(slackText, /javascript:/, 'only http(s) links are linked');
  const email = emailMessage(description, NOW, true);
  assert.doesNotMatch(email.html, /<script>|<img src=x>|<!channel>/);
  assert.match(email.html, /&#60;script&#62;/);
  assert.doesNotMatch(email.subject, /[\r\n]/);
});

test('a large group lists a bounded number of alerts and counts the rest', () => {
  const base = fixture('panel-down-firing.json');
  const alerts = Array.from({ length: 40 }, (_, i) => ({ ...base.alerts[0]!, labels: { ...base.alerts[0]!.labels, panel: `panel-${i}` } }));
  const description = describeNotification({ ...base, alerts, truncatedAlerts: 5 }, noFacts);
  assert.equal(description.firing.length, 25);
  assert.equal(description.unlisted, 20);
  assert.match(description.subject, /^\[FIRING:40\] PanelDown: panel-0, panel-1, panel-2, panel-3, panel-4 and 35 more$/);
  assert.match(slackMessage(description, NOW).attachments[0]!.text, /…and 20 more/);
});

test('a message without its graph says why, and the email then has no image', () => {
  const description = describeNotification(fixture('panel-down-firing.json'), noFacts, 'Prometheus did not answer (ECONNREFUSED)');
  assert.match(slackMessage(description, NOW).attachments[0]!.text, /_No graph: Prometheus did not answer \(ECONNREFUSED\)_/);
  const email = emailMessage(description, NOW, false);
  assert.doesNotMatch(email.html, /cid:/);
  assert.match(email.text, /No graph: Prometheus did not answer/);
  assert.match(emailMessage(describeNotification(fixture('panel-down-firing.json'), noFacts), NOW, true).html, /<img src="cid:chart@platypus-notifier"/);
});

test('durations read naturally', () => {
  assert.equal(formatSpan(12_000), '12s');
  assert.equal(formatSpan(250_000), '4m 10s');
  assert.equal(formatSpan(2 * 3600_000 + 5 * 60_000), '2h 5m');
  assert.equal(formatSpan(3 * 86400_000 + 3600_000), '3d 1h');
});
