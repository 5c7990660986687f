/**
 * `npm run bench:alert`: with the SHIPPED intervals (prober check every 10s with one retry, prober
 * scraped every 5s, probe rules every 5s, PanelDown `for: 20s`, Alertmanager group_wait 15s and
 * group_interval 15s), the
 * time from a panel's server stopping to the Slack message and to the email naming it, over
 * BENCH_TRIALS trials (default 3). A panel that answers in 3s (inside the 5s timeout) and a panel
 * that drops one whole check per trial run alongside; any notification or firing alert for them is
 * a false alert. Real exporter, prober, Prometheus and Alertmanager on loopback; local Slack webhook
 * and SMTP sink. Writes the "alert" section of docs/benchmarks.md.
 */
import type { TestContext } from 'node:test';
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
const TARGET_SECONDS = 60;

// The stack launchers take a test context only to stop what they start: collect and run the same.
const cleanups: Array<() => unknown> = [];
const lifetime = { after: (fn: () => unknown) => cleanups.push(fn) } as unknown as TestContext;

async function main(): Promise<void> {
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
  const prober = await startProber(lifetime, dir, { panelsFile });
  const am = await startAlertmanager(lifetime, alertmanagerConfig(tempDir('bench-am'), { slackUrl: slack.url, smarthost: smtp.smarthost }));
  const prometheus = await startPrometheus(lifetime, dir, { exporter: exporter.address, prober: prober.address, alertmanagers: [am.url.slice(7)] });
  await waitFor('every panel up in Prometheus', async () =>
    (await instantQuery(prometheus.url, 'probe_success{job="prober"} == 1')).length === all.length, { timeoutMs: 60_000 });

  const rows: string[][] = [];
  const toSlack: number[] = [];
  const toEmail: number[] = [];
  for (const [i, panel] of trialPanels.entries()) {
    flaky.failNext = 2; // the flaky panel drops one whole check (attempt + retry) in every trial
    const slackBefore = slack.messages.length;
    const mailBefore = smtp.mails.length;
    const stoppedAt = performance.now();
    await panel.stop();
    await waitFor('the Slack message', () => slack.messages.slice(slackBefore).some((m) => /PanelDown: 1 firing/.test(slackText(m)) && slackText(m).includes(panel.url)), { timeoutMs: 180_000, intervalMs: 50 });
    const slackSeconds = (performance.now() - stoppedAt) / 1000;
    await waitFor('the email', () => smtp.mails.slice(mailBefore).some((m) => m.subject?.includes(panel.url)), { timeoutMs: 180_000, intervalMs: 50 });
    const emailSeconds = (performance.now() - stoppedAt) / 1000;
    toSlack.push(slackSeconds);
    toEmail.push(emailSeconds);
    rows.push([String(i + 1), slackSeconds.toFixed(1), emailSeconds.toFixed(1)]);
    console.log(`trial ${i + 1}: Slack ${slackSeconds.toFixed(1)} s, email ${emailSeconds.toFixed(1)} s`);
    await panel.start();
    // The next trial starts soon after the resolved notice: its alert may join the old group
    // (sent on the next group_interval tick) or a new one (group_wait): both paths are measured.
    await waitFor('the resolved notice', () => slack.messages.slice(slackBefore).some((m) => /RESOLVED PanelDown/.test(slackText(m))), { timeoutMs: 180_000 });
    await sleep(2_000);
  }

  const noisy = [slow, flaky].map((p) => p.url);
  const falseNotifications = slack.messages.filter((m) => noisy.some((url) => slackText(m).includes(url))).length
    + smtp.mails.filter((m) => noisy.some((url) => (m.text ?? '').includes(url))).length;
  const firing = await instantQuery(prometheus.url, `max_over_time(ALERTS{alertstate="firing", target=~"${noisy.join('|')}"}[1h])`);
  const flakyFailures = await instantQuery(prometheus.url, `probe_checks_total{target="${flaky.url}", result="failure"}`);
  const slowSeconds = await instantQuery(prometheus.url, `max_over_time(probe_duration_seconds{target="${slow.url}"}[1h])`);

  const summary = [
    `Median: Slack ${median(toSlack).toFixed(1)} s, email ${median(toEmail).toFixed(1)} s; worst ${Math.max(...toEmail).toFixed(1)} s (target ≤ ${TARGET_SECONDS} s).`,
    `False alerts: ${falseNotifications} notifications, ${firing.length} firing alerts for the slow panel (checks up to ${Number(slowSeconds[0]?.value[1] ?? NaN).toFixed(1)} s) and the panel that dropped ${flakyFailures[0]?.value[1] ?? '?'} single checks.`,
  ];
  console.log(summary.join('\n'));
  writeSection(repoPath('docs/benchmarks.md'), 'alert', [
    '## Alert latency (`npm run bench:alert`)',
    '',
    'Shipped intervals (prober checks every 10s with one retry, scraped every 5s, probe rules every 5s, `PanelDown` `for: 20s`,',
    'Alertmanager `group_wait: 15s`, `group_interval: 15s`); real exporter, prober, Prometheus 2.42 and Alertmanager 0.25 on loopback, local Slack',
    'webhook and SMTP sink. Time from a panel\'s web server stopping (connection refused) to the Slack message and the email',
    `naming it. ${TRIALS} trials; run on ${new Date().toISOString().slice(0, 10)}.`,
    '',
    markdownTable(['trial', 'to Slack (s)', 'to email (s)'], rows),
    '',
    ...summary,
  ].join('\n'));
}

try {
  await main();
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup();
}
