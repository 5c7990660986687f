/** Starts the real exporter CLI (`node --import tsx exporter/cli.ts`) on a free loopback port. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { freePort } from '../helpers/ports.js';
import { startProcess, waitForHttp, type RunningProcess } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = join(ROOT, 'test/fixtures/exporter');
const CLI = join(ROOT, 'exporter/cli.ts');

function cliArgs(args: readonly string[]): string[] {
  return ['--import', 'tsx', CLI, ...args];
}

export interface RunningExporter {
  running: RunningProcess;
  /** e.g. `http://127.0.0.1:41234` */
  base: string;
  port: number;
}

/** Starts the CLI and waits until it listens (TLS servers: until it says so, as a plain GET cannot tell). */
export async function startExporter(
  t: TestContext,
  args: readonly string[],
  { tls = false, env = {} }: { tls?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<RunningExporter> {
  const port = await freePort();
  const running = startProcess(t, process.execPath, cliArgs([`--web.listen-address=127.0.0.1:${port}`, ...args]), { cwd: ROOT, env: { ...process.env, ...env } });
  const base = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  if (tls) {
    await waitFor('the exporter to listen with TLS', () => {
      if (running.child.exitCode !== null) throw new Error(`exporter exited with ${running.child.exitCode}:\n${running.output()}`);
      return running.output().includes('TLS is enabled.');
    }, { timeoutMs: 30_000 });
  } else {
    await waitForHttp(running, `${base}/`, 30_000);
  }
  return { running, base, port };
}

/** Runs the CLI to completion (for flag errors, --help, --version). */
export function runCli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, cliArgs(args), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The flags that point every collector at the captured fixture tree (paths relative to the repo root). */
export const FIXTURE_ARGS = [
  '--path.procfs=test/fixtures/exporter/proc',
  '--path.sysfs=test/fixtures/exporter/sys',
  '--path.rootfs=test/fixtures/exporter/rootfs',
  '--path.udev.data=test/fixtures/exporter/udev',
  '--collector.textfile.directory=test/fixtures/exporter/textfile',
  // Off by default: the golden output covers every collector (systemd too: golden.ts adds it with a bus).
  '--collector.interrupts',
  '--collector.meminfo_numa',
  '--collector.mountstats',
  '--collector.processes',
  '--collector.cpu.info',
  '--collector.stat.softirq',
  '--web.disable-exporter-metrics',
];

/** Families whose values depend on the moment or the machine (timex: the running kernel's clock, whatever the fixture paths): their series stay, values become `*`. */
const VOLATILE_VALUES = /^node_(scrape_collector_duration_seconds|time_seconds|timex_.+|textfile_mtime_seconds|filesystem_(avail_bytes|free_bytes|size_bytes|files|files_free))$/;
/** Families whose labels describe the machine running the test (uname, timezone name). */
const VOLATILE_FAMILIES = /^node_(uname_info|time_zone_offset_seconds)$/;

/** The golden form of an exposition: machine- and time-dependent parts masked. */
export function normalizeGolden(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const name = line.startsWith('#') ? (line.split(' ')[2] ?? '') : (/^[^{ ]+/.exec(line)?.[0] ?? '');
    if (VOLATILE_FAMILIES.test(name)) continue;
    const shown = !line.startsWith('#') && VOLATILE_VALUES.test(name) ? line.replace(/ \S+$/, ' *') : line;
    // rapl's `path` label is absolute, as node_exporter's: the checkout's location is not part of the output.
    out.push(shown.replaceAll(FIXTURES, '<fixtures>'));
  }
  return `${out.join('\n')}\n`;
}

/** Scrapes the exporter running on the fixtures once (a textfile mtime needs no second scrape). */
export async function scrapeFixtures(exporter: RunningExporter): Promise<string> {
  return waitFor('a scrape of the fixtures', async () => {
    const response = await fetch(`${exporter.base}/metrics`);
    return response.ok ? response.text() : undefined;
  });
}
