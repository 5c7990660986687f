#!/usr/bin/env node
/**
 * `platypus-maintenance`: one-off maintenance windows on a panel, as Alertmanager silences.
 *
 *   platypus-maintenance start <panel> --for 2h --reason "kernel update" [--at <RFC 3339 time>]
 *   platypus-maintenance list
 *   platypus-maintenance end <id>
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { formatDuration, parseDurationSeconds } from '../common/duration.js';
import { VERSION } from '../common/version.js';
import { CREATED_BY, SilencesClient, type MaintenanceWindow } from './silences.js';

const USAGE = `usage: platypus-maintenance [--alertmanager.url=<url>] <command>

One-off maintenance windows: while a panel's window is open, Alertmanager sends no notification
about it (its PanelDown, and its host's alerts through the shared \`panel\` label).

Commands:
  start <panel> --for <duration> --reason <text> [--at <time>] [--author <name>]
      Open a window on the panel (its \`panel\` label) for that long, from now or from --at
      (RFC 3339, e.g. 2026-12-03T02:00:00Z). Prints the window's ID, and on stderr the panel's
      alerts that fire now (Alertmanager itself sends no message when a window starts).
  list
      The open and coming windows: ID, panel, start, end, reason.
  end <id>
      Close a window now.

Flags:
  --alertmanager.url=<url>   Alertmanager (either of an HA pair: silences are shared) (default: http://localhost:9093)
  -h, --help                 Show this help.
  --version                  Show the version.
`;

class UsageError extends Error {}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'alertmanager.url': { type: 'string', default: 'http://localhost:9093' },
        for: { type: 'string' },
        reason: { type: 'string' },
        at: { type: 'string' },
        author: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function windowLine(window: MaintenanceWindow): string {
  const at = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return [window.id, window.panel, at(window.startsAt), at(window.endsAt), window.state, window.reason].join('\t');
}

/** Alertmanager sends nothing when a window starts: this is the only place that can say so. */
function firingNow(panel: string, firing: Array<{ alertname: string; startsAt: Date }>): string {
  const what = firing.map((alert) => `${alert.alertname} since ${alert.startsAt.toISOString().replace(/\.\d{3}Z$/, 'Z')}`).join(', ');
  return [
    `${panel} is firing now (${what}).`,
    'Alertmanager sends no message when a window starts, so whoever was notified is not told by it: its reminders',
    'stop (a reminder of its group that still fires lists it as no longer notified, in maintenance), and if it',
    'still fires when the window ends, it is notified again, saying that the window ended.',
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv);
  if (values.help === true) return void process.stdout.write(USAGE);
  if (values.version === true) return void process.stdout.write(`platypus-maintenance, version ${VERSION}\n`);
  const [command, ...rest] = positionals;
  const client = new SilencesClient(values['alertmanager.url']);
  switch (command) {
    case 'start': {
      const panel = rest[0];
      if (panel === undefined || panel === '' || rest.length > 1) throw new UsageError('start takes one panel name');
      if (values.for === undefined) throw new UsageError('start needs --for <duration>, e.g. --for 2h');
      const seconds = parseDurationSeconds(values.for);
      if (seconds === undefined || seconds <= 0) throw new UsageError(`--for ${JSON.stringify(values.for)} is not a positive duration (e.g. 30m, 2h)`);
      if (values.reason === undefined || values.reason.trim() === '') throw new UsageError('start needs --reason "<why>"');
      const startsAt = values.at === undefined ? new Date() : new Date(values.at);
      if (Number.isNaN(startsAt.getTime())) throw new UsageError(`--at ${JSON.stringify(values.at)} is not a time (RFC 3339, e.g. 2026-12-03T02:00:00Z)`);
      const author = values.author ?? `${CREATED_BY} (${userInfo().username})`;
      // Asked before the silence exists: afterwards its alerts are silenced, and no longer notified.
      const firing = startsAt.getTime() <= Date.now() ? await client.firing(panel) : [];
      const id = await client.start(panel, startsAt, seconds, values.reason, author);
      process.stdout.write(`${id}\n`);
      process.stderr.write(`maintenance of ${panel} for ${formatDuration(seconds)} from ${startsAt.toISOString()}: end it early with \`platypus-maintenance end ${id}\`\n`);
      if (firing.length > 0) process.stderr.write(firingNow(panel, firing));
      return;
    }
    case 'list': {
      if (rest.length > 0) throw new UsageError('list takes no arguments');
      const windows = await client.list();
      process.stdout.write(['ID\tPANEL\tSTARTS\tENDS\tSTATE\tREASON', ...windows.map(windowLine)].join('\n') + '\n');
      return;
    }
    case 'end': {
      if (rest.length !== 1) throw new UsageError('end takes one window ID (see list)');
      await client.end(rest[0]!);
      return;
    }
    case undefined:
      throw new UsageError('no command: start, list or end');
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}: start, list or end`);
  }
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  const hint = error instanceof UsageError ? ', try --help' : '';
  process.stderr.write(`platypus-maintenance: error: ${(error as Error).message}${hint}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
