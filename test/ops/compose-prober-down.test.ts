// docker-compose.yml as an operator runs it (see compose-outage.test.ts): the only prober is killed
// while two panels are down. A critical ProberDown arrives within 2 minutes, naming the panels it
// covered, and no "resolved" is sent for the panels still down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { slackText } from '../helpers/slack-receiver.js';
import { waitFor } from '../helpers/wait.js';
import { operatorSetup, startSingleBox } from './compose-operator.js';
import { instantQuery } from './stack.js';

test('compose stack: the prober dies during an outage → ProberDown naming its panels within 2 minutes, no resolved', async (t) => {
  const { stack, slack, smtp, panels, urlOf } = await operatorSetup(t, 'docker-compose.yml');
  const prometheus = await startSingleBox(stack);

  assert.deepEqual(slack.messages.map(slackText), [], 'nothing in Slack before the outage');
  assert.deepEqual(smtp.mails.map((m) => m.subject), [], 'no email before the outage');

  await Promise.all([panels.a.stop(), panels.b.stop()]);
  const names = (text: string): boolean => text.includes(urlOf(panels.a)) && text.includes(urlOf(panels.b));
  await waitFor('the Slack message naming both panels', () => slack.messages.find((m) => names(slackText(m))), { timeoutMs: 60_000, intervalMs: 250 });

  // The only prober dies during the outage: within 2 minutes a critical ProberDown names the panels
  // it covered, and PanelDown is never resolved for the panels still down.
  await stack.kill('prober');
  const killedAt = performance.now();
  const proberDown = await waitFor('ProberDown in Slack', () => slack.messages.find((m) => /ProberDown: 1 firing/.test(slackText(m))), { timeoutMs: 120_000, intervalMs: 500 });
  t.diagnostic(`prober killed → ProberDown in Slack: ${((performance.now() - killedAt) / 1000).toFixed(1)} s`);
  assert.equal(proberDown.attachments[0]!.color, 'danger');
  const covered = /watched from there: (.*)\.$/m.exec(slackText(proberDown))?.[1]?.split(', ').sort();
  assert.deepEqual(covered, [`${urlOf(panels.a)} (down)`, `${urlOf(panels.b)} (down)`, urlOf(panels.c)].sort(), slackText(proberDown));
  await waitFor('ProberDown by email', () => smtp.mails.find((m) => /ProberDown/.test(m.subject ?? '')), { timeoutMs: 30_000 });
  await sleep(16_000); // past group_interval (15s)
  assert.deepEqual(slack.messages.map(slackText).filter((text) => /RESOLVED|back to normal/.test(text)), [], 'no resolved notice');
  assert.deepEqual(smtp.mails.map((m) => m.subject).filter((subject) => /RESOLVED/.test(subject ?? '')), []);
  const firing = await instantQuery(prometheus, 'ALERTS{alertname="PanelDown", alertstate="firing"}');
  assert.deepEqual(firing.map((s) => s.metric.panel).sort(), ['a', 'b']);
});
