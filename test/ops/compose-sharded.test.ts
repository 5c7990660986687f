// docker-compose.sharded.yml as an operator runs it (test/ops/compose-harness.ts): two vmagent
// shards, VictoriaMetrics, vmalert and the Alertmanager pair, with the real binaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { slackText } from '../helpers/slack-receiver.js';
import { waitFor } from '../helpers/wait.js';
import { operatorSetup, pairFormed } from './compose-operator.js';
import { dashboardQueries, withVariables } from './dashboards.js';
import { instantQuery } from './stack.js';

interface ScrapeTarget { labels: Record<string, string>; scrapeUrl: string }

test('sharded stack: each target scraped by one shard, a two-panel outage delivered exactly once, every dashboard query answered by the store', async (t) => {
  const { stack, slack, smtp, panels, urlOf } = await operatorSetup(t, 'docker-compose.sharded.yml');
  for (const service of ['exporter', 'prober', 'victoria-metrics', 'alertmanager', 'alertmanager-2', 'vmagent-0', 'vmagent-1', 'vmalert']) stack.start(service);
  const store = `http://${stack.address('victoria-metrics')}:8428`;
  await waitFor('every panel, the exporter and the Alertmanagers up in the store', async () =>
    (await instantQuery(store, 'probe_success{job="prober"} == 1')).length === 3
    && (await instantQuery(store, 'up == 1')).length === 4, { timeoutMs: 120_000, intervalMs: 1_000 });
  await pairFormed(stack);

  const scraped = await Promise.all(['vmagent-0', 'vmagent-1'].map(async (shard) => {
    const body = (await (await fetch(`http://${stack.address(shard)}:8429/api/v1/targets`)).json()) as { data: { activeTargets: ScrapeTarget[] } };
    return body.data.activeTargets.map((target) => target.scrapeUrl);
  }));
  t.diagnostic(`targets per shard: ${scraped.map((urls) => urls.length).join(', ')}`);
  assert.equal(scraped.flat().length, 4, scraped.flat().join(' '));
  assert.equal(new Set(scraped.flat()).size, 4, 'no target scraped by both shards');
  assert.ok(scraped.every((urls) => urls.length < 4), 'each shard scrapes a part');
  assert.deepEqual(await instantQuery(store, 'count by (job, instance) (up) > 1'), []);
  // What each shard writes: series (samples per scrape) and samples per second, for docs/stack.md.
  const samples = await instantQuery(store, 'scrape_samples_scraped');
  const intervals: Record<string, number> = { prober: 5, node: 15, alertmanager: 15 };
  scraped.forEach((urls, shard) => {
    const mine = samples.filter((s) => urls.some((url) => new URL(url).host === s.metric.instance));
    const series = mine.reduce((sum, s) => sum + Number(s.value[1]), 0);
    const perSecond = mine.reduce((sum, s) => sum + Number(s.value[1]) / intervals[s.metric.job!]!, 0);
    t.diagnostic(`shard ${shard}: ${urls.length} targets, ${series} series, ${perSecond.toFixed(0)} samples/s`);
  });

  assert.deepEqual(slack.messages.map(slackText), [], 'nothing in Slack before the outage');

  await Promise.all([panels.a.stop(), panels.b.stop()]);
  const outageAt = performance.now();
  const names = (text: string): boolean => text.includes(urlOf(panels.a)) && text.includes(urlOf(panels.b));
  await waitFor('the Slack message naming both panels', () => slack.messages.find((m) => names(slackText(m))), { timeoutMs: 120_000, intervalMs: 250 });
  await waitFor('the email naming both panels', () => smtp.mails.find((m) => m.subject === '[FIRING:2] PanelDown: a, b'), { timeoutMs: 60_000, intervalMs: 250 });
  t.diagnostic(`outage → Slack and email through the store: ${((performance.now() - outageAt) / 1000).toFixed(1)} s`);
  // With panels down, the failure panels have data too. The certificate panel needs an HTTPS panel
  // that the prober trusts, which this test has not: dashboard-queries.test.ts covers it.
  const empty = new Set(dashboardQueries().filter((query) => !query.expr.includes('probe_ssl_earliest_cert_expiry')));
  await waitFor('every dashboard query to return data from the store', async () => {
    for (const query of [...empty]) {
      if ((await instantQuery(store, withVariables(query.expr, 'host.docker.internal:9100'))).length > 0) empty.delete(query);
    }
    return empty.size === 0;
  }, { timeoutMs: 90_000, intervalMs: 2_000 }).catch(() => undefined);
  assert.deepEqual([...empty].map((q) => `${q.dashboard} / ${q.panel}: ${q.expr}`), []);
  await sleep(30_000); // two group_intervals: a second evaluator would have been heard by now
  // Evaluated once: one alert per panel in Alertmanager (two evaluators would make two, with their
  // own labels), and each panel announced once: in the first Slack message and the first email that
  // name it, later ones only update the group (another panel joining it), none repeats.
  const alerts = (await (await fetch(`http://${stack.address('alertmanager')}:9093/api/v2/alerts?filter=alertname%3D%22PanelDown%22`)).json()) as Array<{ labels: Record<string, string> }>;
  assert.deepEqual(alerts.map((a) => a.labels.panel).sort(), ['a', 'b'], JSON.stringify(alerts.map((a) => a.labels)));
  const messages = slack.messages.map(slackText).filter((text) => /PanelDown/.test(text));
  const subjects = smtp.mails.flatMap((m) => m.subject ?? []).filter((subject) => /PanelDown/.test(subject));
  for (const sent of [messages, subjects]) {
    assert.equal(new Set(sent).size, sent.length, `a notification sent twice:\n${sent.join('\n---\n')}`);
    assert.ok(sent.length <= 2, sent.join('\n---\n'));
  }
  assert.ok(names(messages.at(-1)!), messages.join('\n---\n'));
  assert.equal(subjects.at(-1), '[FIRING:2] PanelDown: a, b');
  assert.match(messages.at(-1)!, /PanelDown: 2 firing/);
});