/**
 * `npm run bench:alert`: with the SHIPPED intervals (prober check every 10s with one retry, prober
 * scraped every 5s, probe rules every 5s, PanelDown `for: 20s`, Alertmanager group_wait 15s and
 * group_interval 15s), the
 * time from a panel's server stopping to the Slack message and to the email naming it, over
 * BENCH_TRIALS trials (default 3). A panel that answers in 3s (inside the 5s timeout) and a panel
 * that drops about one whole check per location per trial run alongside; any notification or
 * firing alert for them is a false alert. Real exporter, prober, Prometheus and Alertmanager on loopback; local Slack webhook
 * and SMTP sink. Writes the "alert" section of docs/benchmarks.md.
 *
 * BENCH_LOCATIONS=N (default 1) runs N probers, each with its own `--location`, all scraped by the
 * one Prometheus (PanelDown then needs two locations to agree), and also reports the series and
 * samples/s each prober gives Prometheus; it writes the "alert-locations-N" section instead.
 */
import type { TestContext } from 'node:test';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../test/helpers/ports.js';
import { startSlackReceiver, slackText } from '../test/helpers/slack-receiver.js';
import { startSmtpSink } from '../test/helpers/smtp-sink.js';
import { waitFor } from '../test/helpers/wait.js';
import {
  Panel, alertmanagerConfig, instantQuery, repoPath, startAlertmanager, startExporter, startPrometheus, startProber, tempDir, writePanels,
} from '../test/ops/stack.js';
import { markdownTable, writeSection } from './lib/report.js';
import { median } from './lib/stats.js';

const TRIALS = Number(process.env.BENCH_TRIALS ?? 3);
const LOCATIONS = Number(process.env.BENCH_LOCATIONS ?? 1);
const TARGET_SECONDS = 60;
// Every wait of a trial is bounded: a trial takes at most three of these.
const TRIAL_WAIT_MS = 120_000;

// The stack launchers take a test context only to stop what they start: collect and run the same.
const cleanups: Array<() => unknown> = [];
const lifetime = { after: (fn: () => unknown) => cleanups.push(fn) } as unknown as TestContext;

/** Series and samples/s of each prober target over the last minute, as Prometheus scraped them. */
async function scrapedPerProber(prometheusUrl: string): Promise<string[][]> {
  const series = await instantQuery(prometheusUrl, 'scrape_samples_scraped{job="prober"}');
  const perSecond = await instantQuery(prometheusUrl, 'sum_over_time(scrape_samples_scraped{job="prober"}[1m]) / 60');
  const scrapes = await instantQuery(prometheusUrl, 'count_over_time(scrape_samples_scraped{job="prober"}[1m])');
  const perPanel = await instantQuery(prometheusUrl, 'count by (instance) ({job="prober", target!=""})');
  const locations = await instantQuery(prometheusUrl, 'count by (instance, location) (probe_success{job="prober"})');
  const of = (vector: typeof series, instance: string) => vector.find((v) => v.metric.instance === instance)?.value[1] ?? 'NaN';
  const locationOf = (instance: string) => locations.find((v) => v.metric.instance === instance)?.metric.location ?? '(none)';
  return series.map((v) => v.metric.instance!).sort().map((instance) => [
    locationOf(instance), of(series, instance), of(perPanel, instance), of(scrapes, instance), Number(of(perSecond, instance)).toFixed(1),
  ]);
}

async function main(): Promise<void> {
  const loadAtStart = loadavg().map((l) => l.toFixed(1)).join(', ');
  const slack = await startSlackReceiver(lifetime);
  const smtp = await startSmtpSink(lifetime);
  const trialPanels = await Promise.all(Array.from({ length: TRIALS }, async () => new Panel(await freePort())));
  const slow = new Panel(await freePort(), 3_000);
  const flaky = new Panel(await freePort());
  const all = [...trialPanels, slow, flaky];
  for (const panel of all) {
    await panel.start();
    cleanups.push(() => panel.stop());
  }
  const dir = tempDir('bench-alert');
  const panelsFile = join(dir, 'panels.json');
  writePanels(panelsFile, Object.fromEntries(all.map((panel, i) => [panel.url, { panel: `p${i}` }])));

  const exporter = await startExporter(lifetime);
  const locations = LOCATIONS === 1 ? [undefined] : Array.from({ length: LOCATIONS }, (_, i) => `loc${i + 1}`);
  const probers = await Promise.all(locations.map((location) =>
    startProber(lifetime, dir, { panelsFile, args: location === undefined ? [] : [`--location=${location}`] })));
  const am = await startAlertmanager(lifetime, alertmanagerConfig(tempDir('bench-am'), { slackUrl: slack.url, smarthost: smtp.smarthost }));
  const prometheus = await startPrometheus(lifetime, dir, { exporter: exporter.address, prober: probers.map((p) => p.address), alertmanagers: [am.url.slice(7)] });
  await waitFor('every panel up in Prometheus', async () =>
    (await instantQuery(prometheus.url, 'probe_success{job="prober"} == 1')).length === all.length * probers.length, { timeoutMs: 60_000 });

  const rows: string[][] = [];
  const toSlack: number[] = [];
  const toEmail: number[] = [];
  for (const [i, panel] of trialPanels.entries()) {
    // The flaky panel answers 503 to the next attempt and retry of every location: about one dropped
    // check per location in every trial, which alone must not fire.
    flaky.failNext = 2 * probers.length;
    const slackBefore = slack.messages.length;
    const mailBefore = smtp.mails.length;
    const stoppedAt = performance.now();
    await panel.stop();
    await waitFor('the Slack message', () => slack.messages.slice(slackBefore).some((m) => /PanelDown: 1 firing/.test(slackText(m)) && slackText(m).includes(panel.url)), { timeoutMs: TRIAL_WAIT_MS, intervalMs: 50 });
    const slackSeconds = (performance.now() - stoppedAt) / 1000;
    await waitFor('the email', () => smtp.mails.slice(mailBefore).some((m) => /^\[FIRING/.test(m.subject ?? '') && (m.text ?? '').includes(panel.url)), { timeoutMs: TRIAL_WAIT_MS, intervalMs: 50 });
    const emailSeconds = (performance.now() - stoppedAt) / 1000;
    toSlack.push(slackSeconds);
    toEmail.push(emailSeconds);
    rows.push([String(i + 1), slackSeconds.toFixed(1), emailSeconds.toFixed(1)]);
    console.log(`trial ${i + 1}: Slack ${slackSeconds.toFixed(1)} s, email ${emailSeconds.toFixed(1)} s`);
    await panel.start();
    // The next trial starts soon after the resolved notice: its alert may join the old group
    // (sent on the next group_interval tick) or a new one (group_wait): both paths are measured.
    await waitFor('the resolved notice', () => slack.messages.slice(slackBefore).some((m) => /RESOLVED PanelDown/.test(slackText(m))), { timeoutMs: TRIAL_WAIT_MS });
    await sleep(2_000);
  }

  const noisy = [slow, flaky].map((p) => p.url);
  const falseNotifications = slack.messages.filter((m) => noisy.some((url) => slackText(m).includes(url))).length
    + smtp.mails.filter((m) => noisy.some((url) => (m.text ?? '').includes(url))).length;
  const firing = await instantQuery(prometheus.url, `max_over_time(ALERTS{alertstate="firing", target=~"${noisy.join('|')}"}[1h])`);
  const flakyFailures = await instantQuery(prometheus.url, `sum(probe_checks_total{target="${flaky.url}", result="failure"})`);
  const slowSeconds = await instantQuery(prometheus.url, `max(max_over_time(probe_duration_seconds{target="${slow.url}"}[1h]))`);

  const summary = [
    `Median: Slack ${median(toSlack).toFixed(1)} s, email ${median(toEmail).toFixed(1)} s; worst ${Math.max(...toEmail).toFixed(1)} s (target ≤ ${TARGET_SECONDS} s).`,
    `False alerts: ${falseNotifications} notifications, ${firing.length} firing alerts for the slow panel (checks up to ${Number(slowSeconds[0]?.value[1] ?? NaN).toFixed(1)} s) and the panel that dropped ${flakyFailures[0]?.value[1] ?? '?'} single checks.`,
  ];
  const perProber = await scrapedPerProber(prometheus.url);
  console.log(summary.join('\n'));
  console.log(markdownTable(['prober location', 'series', 'of which with a target label', 'scrapes in 1 min', 'samples/s'], perProber));
  const several = LOCATIONS > 1;
  writeSection(repoPath('docs/benchmarks.md'), several ? `alert-locations-${LOCATIONS}` : 'alert', [
    several
      ? `## Alert latency at ${LOCATIONS} locations (\`BENCH_LOCATIONS=${LOCATIONS} npm run bench:alert\`)`
      : '## Alert latency (`npm run bench:alert`)',
    '',
    ...(several ? [
      `As in the single-location section above, with ${LOCATIONS} probers (\`--location=loc1\` … \`loc${LOCATIONS}\`, the same prober.yml and panel list, one port each), all in`,
      'the one Prometheus\'s `prober` job: `PanelDown` needs two locations to see the panel down.',
      '',
    ] : []),
    'Shipped intervals (prober checks every 10s with one retry, scraped every 5s, probe rules every 5s, `PanelDown` `for: 20s`,',
    'Alertmanager `group_wait: 15s`, `group_interval: 15s`); real exporter, prober, Prometheus 2.42 and Alertmanager 0.25 on loopback, local Slack',
    'webhook and SMTP sink. Time from a panel\'s web server stopping (connection refused) to the Slack message and the email',
    `naming it. ${TRIALS} trials (\`BENCH_TRIALS\`; each wait of a trial bounded to 2 min); run on ${new Date().toISOString().slice(0, 10)}, load average at start ${loadAtStart} (2 shared cores).`,
    '',
    markdownTable(['trial', 'to Slack (s)', 'to email (s)'], rows),
    '',
    ...summary,
    '',
    `What each prober (${all.length} panels) gives Prometheus: \`scrape_samples_scraped\` at the end, and summed over the last minute / 60 s.`,
    '',
    markdownTable(['prober location', 'series', 'of which with a target label', 'scrapes in 1 min', 'samples/s'], perProber),
  ].join('\n'));
}

try {
  await main();
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup();
}
