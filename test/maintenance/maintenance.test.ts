// platypus-maintenance against the real Alertmanager running the shipped alertmanager.yml (local
// Slack webhook and SMTP sink): a panel down inside its window is not notified, and is once the
// window ends while it is still down; `list` shows open windows, `end` closes one; bad input and an
// unreachable Alertmanager are clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import { startSlackReceiver, slackText } from '../helpers/slack-receiver.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { freePort } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait.js';
import { alertmanagerConfig, postAlerts, repoPath, startAlertmanager, tempDir, type PostedAlert } from '../ops/stack.js';

interface Run { code: number; stdout: string; stderr: string }

function maintenance(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', repoPath('maintenance/cli.ts'), ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

function panelDown(panel: string): PostedAlert {
  return {
    labels: { alertname: 'PanelDown', severity: 'critical', topic: 'panel', job: 'prober', module: 'http_2xx', panel, target: `https://${panel}.example.com/` },
    annotations: { summary: `Panel ${panel} is down`, reason: 'connect_refused', since: '', description: `https://${panel}.example.com/ (http_2xx) failed every check.` },
    startsAt: new Date().toISOString(),
  };
}

test('a panel down inside its maintenance window is not notified, and is once the window ends', async (t) => {
  const slack = await startSlackReceiver(t);
  const smtp = await startSmtpSink(t);
  const config = alertmanagerConfig(tempDir('am-maintenance'), { slackUrl: slack.url, smarthost: smtp.smarthost, groupWait: '1s', groupInterval: '2s' });
  const am = await startAlertmanager(t, config);
  const url = `--alertmanager.url=${am.url}`;

  // Long enough for the steps inside it on a loaded machine, where each can take seconds.
  const windowSeconds = 45;
  const started = await maintenance(url, 'start', 'panel-1', '--for', `${windowSeconds}s`, '--reason', 'kernel update');
  assert.equal(started.code, 0, started.stderr);
  const id = started.stdout.trim();
  assert.match(id, /^[0-9a-f-]{36}$/);
  // The window ends when Alertmanager says, not a window's length after the CLI returned (seconds later under load).
  const silence = (await (await fetch(`${am.url}/api/v2/silence/${id}`)).json()) as { endsAt: string };
  const windowEnd = Date.parse(silence.endsAt);

  // panel-1 (in maintenance) and panel-2 go down: only panel-2 is announced.
  await postAlerts(am.url, [panelDown('panel-1'), panelDown('panel-2')]);
  await waitFor('the message about panel-2', () => slack.messages.find((m) => slackText(m).includes('*panel-2*')));
  await waitFor('the email about panel-2', () => smtp.mails.find((m) => m.subject === '[FIRING:1] PanelDown: panel-2'));
  await sleep(4_000); // two group_intervals: a notification about panel-1 would have come
  assert.ok(Date.now() < windowEnd, 'still inside the window: the test machine was too slow to tell');
  const aboutPanel1 = (): boolean => slack.messages.some((m) => slackText(m).includes('*panel-1*')) || smtp.mails.some((m) => (m.subject ?? '').includes('panel-1'));
  assert.equal(aboutPanel1(), false, 'nothing about panel-1 inside its window');
  const alerts = (await (await fetch(`${am.url}/api/v2/alerts?filter=panel%3D%22panel-1%22`)).json()) as Array<{ status: { state: string; silencedBy: string[] } }>;
  assert.deepEqual(alerts.map((a) => [a.status.state, a.status.silencedBy]), [['suppressed', [id]]]);
  const listed = await maintenance(url, 'list');
  assert.equal(listed.code, 0, listed.stderr);
  const row = listed.stdout.split('\n').find((line) => line.startsWith(id));
  assert.ok(row, listed.stdout);
  assert.deepEqual([row.split('\t')[1], row.split('\t')[4], row.split('\t')[5]], ['panel-1', 'active', 'kernel update']);

  // The window ends with panel-1 still down: it is announced, with panel-2, by Slack and email.
  const mail = await waitFor('the email naming panel-1 after its window', () => smtp.mails.find((m) => (m.subject ?? '').includes('panel-1')), { timeoutMs: windowSeconds * 1000 + 20_000 });
  assert.ok(Date.now() >= windowEnd - 1_000, 'not before the window ends');
  assert.equal(mail.subject, '[FIRING:2] PanelDown: panel-1, panel-2');
  await waitFor('the Slack message naming panel-1 after its window', () => slack.messages.find((m) => slackText(m).includes('*panel-1*')));
  const after = await maintenance(url, 'list');
  assert.ok(!after.stdout.includes(id), 'an ended window is no longer listed');
});

test('end closes a window at once: the panel is notified again', async (t) => {
  const slack = await startSlackReceiver(t);
  const smtp = await startSmtpSink(t);
  const config = alertmanagerConfig(tempDir('am-maintenance-end'), { slackUrl: slack.url, smarthost: smtp.smarthost, groupWait: '1s', groupInterval: '2s' });
  const am = await startAlertmanager(t, config);
  const url = `--alertmanager.url=${am.url}`;

  const id = (await maintenance(url, 'start', 'panel-3', '--for', '2h', '--reason', 'disk swap')).stdout.trim();
  const later = (await maintenance(url, 'start', 'panel-4', '--for', '1h', '--reason', 'planned', '--at', new Date(Date.now() + 3_600_000).toISOString())).stdout.trim();
  await postAlerts(am.url, [panelDown('panel-3')]);
  await sleep(4_000);
  assert.equal(slack.messages.length, 0, slack.messages.map(slackText).join('\n'));

  const ended = await maintenance(url, 'end', id);
  assert.equal(ended.code, 0, ended.stderr);
  await waitFor('the message about panel-3 once its window is closed', () => slack.messages.find((m) => slackText(m).includes('*panel-3*')));
  const listed = (await maintenance(url, 'list')).stdout;
  assert.ok(!listed.includes(id), listed);
  const coming = listed.split('\n').find((line) => line.startsWith(later));
  assert.equal(coming?.split('\t')[4], 'pending', `a window that starts later is listed as pending:\n${listed}`);
});

test('start says when the panel fires now: Alertmanager itself sends nothing when a window starts', async (t) => {
  const slack = await startSlackReceiver(t);
  const smtp = await startSmtpSink(t);
  const config = alertmanagerConfig(tempDir('am-maintenance-down'), { slackUrl: slack.url, smarthost: smtp.smarthost, groupWait: '1s', groupInterval: '2s' });
  const am = await startAlertmanager(t, config);
  const url = `--alertmanager.url=${am.url}`;
  const down = panelDown('panel-8');
  await postAlerts(am.url, [down]);
  await waitFor('the message about panel-8', () => slack.messages.find((m) => slackText(m).includes('*panel-8*')));
  const started = await maintenance(url, 'start', 'panel-8', '--for', '1h', '--reason', 'reboot');
  assert.equal(started.code, 0, started.stderr);
  assert.match(started.stdout, /^[0-9a-f-]{36}\n$/, 'stdout is only the ID');
  assert.match(started.stderr, new RegExp(`panel-8 is firing now \\(PanelDown since ${down.startsAt!.slice(0, 19)}Z\\)\\.\nAlertmanager sends no message when a window starts`));
  const quiet = await maintenance(url, 'start', 'panel-9', '--for', '1h', '--reason', 'reboot');
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.doesNotMatch(quiet.stderr, /firing now/, 'a panel that is up: nothing to say');
  // Asked before the window exists: a second window on panel-8 finds its alert already silenced.
  const again = await maintenance(url, 'start', 'panel-8', '--for', '1h', '--reason', 'longer');
  assert.doesNotMatch(again.stderr, /firing now/);
});

test('bad input and an unreachable Alertmanager are clear errors', async () => {
  const closed = `--alertmanager.url=http://127.0.0.1:${await freePort()}`;
  const cases: Array<[string[], number, RegExp]> = [
    [['start', 'panel-1', '--reason', 'x'], 2, /start needs --for/],
    [['start', 'panel-1', '--for', 'soon', '--reason', 'x'], 2, /--for "soon" is not a positive duration/],
    [['start', 'panel-1', '--for', '1h'], 2, /start needs --reason/],
    [['start', '--for', '1h', '--reason', 'x'], 2, /start takes one panel name/],
    [['start', 'panel-1', '--for', '1h', '--reason', 'x', '--at', 'tomorrow'], 2, /--at "tomorrow" is not a time/],
    [['end'], 2, /end takes one window ID/],
    [['frobnicate'], 2, /unknown command "frobnicate"/],
    [['--alertmanager.url=ftp://x', 'list'], 1, /not an http\(s\) URL/],
    [[closed, 'list'], 1, /GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/silences: .*ECONNREFUSED|connect/],
    [[closed, 'end', '../../x'], 1, /not a silence ID/],
  ];
  for (const [args, code, message] of cases) {
    const run = await maintenance(...args);
    assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message, args.join(' '));
    assert.match(run.stderr, /^platypus-maintenance: error: /);
  }
});

test('recurring windows: a panel labelled with the shipped window is muted while it is open', async (t) => {
  const slack = await startSlackReceiver(t);
  const smtp = await startSmtpSink(t);
  const dir = tempDir('am-maintenance-recurring');
  const file = alertmanagerConfig(dir, { slackUrl: slack.url, smarthost: smtp.smarthost, groupWait: '1s', groupInterval: '2s' });
  // The shipped window, opened for the whole week so that "now" is inside it.
  const config = parse(readFileSync(file, 'utf8')) as { time_intervals: Array<{ name: string; time_intervals: unknown[] }> };
  const window = config.time_intervals.find((interval) => interval.name === 'sunday-night');
  assert.ok(window, 'the shipped config has the sunday-night window');
  window.time_intervals = [{ weekdays: ['sunday:saturday'] }];
  writeFileSync(file, stringify(config));
  const am = await startAlertmanager(t, file);

  const inWindow = panelDown('panel-5');
  inWindow.labels.maintenance_window = 'sunday-night';
  await postAlerts(am.url, [inWindow, panelDown('panel-6')]);
  await waitFor('the message about panel-6', () => slack.messages.find((m) => slackText(m).includes('*panel-6*')));
  await waitFor('the email about panel-6', () => smtp.mails.find((m) => (m.subject ?? '').includes('panel-6')));
  await sleep(4_000);
  assert.ok(!slack.messages.some((m) => slackText(m).includes('*panel-5*')), 'nothing about panel-5 in Slack');
  assert.ok(!smtp.mails.some((m) => (m.subject ?? '').includes('panel-5')), 'no email about panel-5');
});
