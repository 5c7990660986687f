// docker-compose.yml as an operator runs it (test/ops/compose-harness.ts): the checkout's files,
// edited only where docs/stack.md tells the operator to (panel lists, secrets), every service with
// its exact command, volumes, working directory and user, the shipped intervals. Slack is a local
// webhook, the SMTP server is smtp.example.com:587 as shipped (STARTTLS with a certificate the
// services trust, and the password of the secret file), the dead man's switch another local webhook.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { slackText } from '../helpers/slack-receiver.js';
import { waitFor } from '../helpers/wait.js';
import { operatorSetup, startSingleBox } from './compose-operator.js';

test('compose stack: two panels down → one Slack message and one email naming both within 60 s, nothing before; Watchdog pings the dead man\'s switch', async (t) => {
  const { stack, slack, smtp, deadMansSwitch, panels, urlOf } = await operatorSetup(t, 'docker-compose.yml');
  await startSingleBox(stack);

  await waitFor('a Watchdog ping at the dead man\'s switch', () => deadMansSwitch.messages.length > 0, { timeoutMs: 60_000 });
  assert.match(slackText(deadMansSwitch.messages[0]!), /Watchdog/);
  assert.deepEqual(slack.messages.map(slackText), [], 'nothing in Slack before the outage');
  assert.deepEqual(smtp.mails.map((m) => m.subject), [], 'no email before the outage');

  await Promise.all([panels.a.stop(), panels.b.stop()]);
  const outageAt = performance.now();
  const since = (start: number): string => `${((performance.now() - start) / 1000).toFixed(1)} s`;
  const names = (text: string): boolean => text.includes(urlOf(panels.a)) && text.includes(urlOf(panels.b));
  const message = await waitFor('the Slack message naming both panels', () => slack.messages.find((m) => names(slackText(m))), { timeoutMs: 60_000, intervalMs: 250 });
  await waitFor('the email naming both panels', () => smtp.mails.find((m) => m.subject === '[FIRING:2] PanelDown: a, b'), { timeoutMs: 60_000, intervalMs: 250 });
  t.diagnostic(`outage → Slack and email: ${since(outageAt)}`);
  assert.match(slackText(message), /PanelDown: 2 firing/);
  assert.match(slackText(message), /connect_refused/);
  assert.equal(smtp.refusedLogins, 0);

  // Past group_interval (15s): no second message or email for the same outage, c never named.
  await sleep(20_000);
  const aboutPanels = slack.messages.filter((m) => /PanelDown/.test(slackText(m)));
  assert.equal(aboutPanels.length, 1, aboutPanels.map(slackText).join('\n---\n'));
  assert.equal(smtp.mails.filter((m) => /PanelDown/.test(m.subject ?? '')).length, 1);
  assert.ok(!slack.messages.some((m) => slackText(m).includes(urlOf(panels.c))));
});
