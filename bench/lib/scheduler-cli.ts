/**
 * The scheduler as a user runs it: the compiled `platypus-prober` CLI with a config whose scheduler
 * checks a file_sd list, scraped every 15 s as Prometheus would (its Accept and gzip headers). Every
 * figure comes from outside the process: check counters and start skew from /metrics, CPU and peak
 * RSS (VmHWM, worker threads included) from /proc.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import { freePort } from '../../test/helpers/ports.js';
import { cpuMs, peakRssMiB, stopProcess, treeCpuMs, waitUntilUp } from './proc.js';
import { benchTargets } from './target-server.js';

export const SCRAPE_INTERVAL_SECONDS = 15;
const PROMETHEUS_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

interface Scrape {
  /** When the scrape started (performance.now(), ms) and the prober's CPU time then. */
  at: number;
  cpuMs: number;
  serverCpuMs: number;
  succeeded: number;
  failed: number;
  skewP99Seconds: number;
  skipped: number;
  queued: number;
  bytes: number;
  gzipBytes: number;
  renderMs: number;
}

export interface CliRunOptions {
  /** The compiled CLI and the Node flags to start it with. */
  cli: string;
  nodeFlags: readonly string[];
  /** More CLI flags (BENCH_CLI_FLAGS), e.g. --scheduler.probe-workers=2. */
  cliFlags: readonly string[];
  targets: number;
  intervalSeconds: number;
  /** Seconds measured after the warm-up (at least; the window ends with a scrape). */
  seconds: number;
  warmUpSeconds: number;
  maxDrainSeconds: number;
  ports: readonly number[];
  serverPid: number;
}

export interface CliRunResult {
  warmUpSeconds: number;
  seconds: number;
  checksPerSecond: number;
  expectedPerSecond: number;
  /** Failed checks since start (the warm-up's too). */
  failedChecks: number;
  skewP99Ms: number;
  skippedSlots: number;
  cpuPercent: number;
  cpuMsPerCheck: number;
  serverCpuPercent: number;
  peakRssMiB: number;
  metricsMiB: number;
  metricsGzipMiB: number;
  /** The slowest scrape of the window, request to last byte. */
  renderMs: number;
  load: number;
}

function config(targets: number, interval: number): string {
  return `modules:
  http_2xx:
    prober: http
    timeout: 5s
scheduler:
  groups:
    - name: bench
      module: http_2xx
      interval: ${interval}s
      timeout: ${Math.min(interval, 5)}s
      retries: 0
      file_sd: [targets.json]
`;
}

function scrape(url: string, pid: number, serverPid: number): Promise<Scrape> {
  const result: Scrape = { at: performance.now(), cpuMs: cpuMs(pid), serverCpuMs: treeCpuMs(serverPid), succeeded: 0, failed: 0, skewP99Seconds: NaN, skipped: 0, queued: 0, bytes: 0, gzipBytes: 0, renderMs: 0 };
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: PROMETHEUS_ACCEPT, 'accept-encoding': 'gzip' } }, (response) => {
      if (response.statusCode !== 200) return reject(new Error(`${url}: HTTP ${response.statusCode}`));
      response.on('data', (chunk: Buffer) => (result.gzipBytes += chunk.length));
      const body = response.headers['content-encoding'] === 'gzip' ? response.pipe(createGunzip()) : response;
      body.on('data', (chunk: Buffer) => (result.bytes += chunk.length));
      const lines = createInterface({ input: body, crlfDelay: Infinity });
      lines.on('line', (line) => {
        const value = Number(line.slice(line.lastIndexOf(' ') + 1));
        if (line.startsWith('probe_checks_total{')) {
          if (line.includes('result="success"}')) result.succeeded += value;
          else result.failed += value;
        } else if (line.startsWith('probe_scheduler_check_start_delay_seconds{quantile="0.99"}')) result.skewP99Seconds = value;
        else if (line.startsWith('probe_scheduler_checks_skipped_total ')) result.skipped = value;
        else if (line.startsWith('probe_scheduler_checks_queued ')) result.queued = value;
      });
      lines.once('close', () => {
        result.renderMs = performance.now() - result.at;
        resolve(result);
      });
      body.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}

/** Runs the CLI for one list size and measures it; the CLI and its files are gone when this returns. */
export async function runCli(options: CliRunOptions): Promise<CliRunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'platypus-bench-cli-'));
  const configPath = join(dir, 'prober.yml');
  writeFileSync(join(dir, 'targets.json'), JSON.stringify([{ targets: benchTargets(options.targets, options.ports), labels: { env: 'bench' } }]));
  writeFileSync(configPath, config(options.targets, options.intervalSeconds));
  const port = await freePort();
  const child = spawn(process.execPath, [...options.nodeFlags, options.cli, `--config.file=${configPath}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', ...options.cliFlags], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitUntilUp(`${base}/-/healthy`, child);
    const startedAt = performance.now();
    const scrapes: Scrape[] = [];
    const scrapeNow = async (): Promise<Scrape> => {
      const next = await scrape(`${base}/metrics`, child.pid!, options.serverPid);
      scrapes.push(next);
      process.stderr.write(`  ${sinceStart().toFixed(0)} s: ${next.succeeded + next.failed} checks (${next.failed} failed), ${next.queued} queued, skew p99 ${next.skewP99Seconds.toFixed(3)} s, RSS peak ${peakRssMiB(child.pid!).toFixed(0)} MiB, scrape ${(next.bytes / 2 ** 20).toFixed(1)} MiB in ${next.renderMs.toFixed(0)} ms\n`);
      return next;
    };
    const sinceStart = (): number => (performance.now() - startedAt) / 1000;
    const untilNextScrape = async (): Promise<void> => sleep(Math.max(0, scrapes.at(-1)!.at + SCRAPE_INTERVAL_SECONDS * 1000 - performance.now()));
    // Warm-up: the first checks of every target, then queued checks drained (or the bound reached).
    let last = await scrapeNow();
    // At least one scrape interval, so the window never holds the start's first checks.
    const warmUp = Math.max(options.warmUpSeconds, SCRAPE_INTERVAL_SECONDS);
    const startedBy = (scrape: Scrape): number => (scrape.at - startedAt) / 1000;
    while (startedBy(last) < warmUp || (last.queued > 0 && startedBy(last) < warmUp + options.maxDrainSeconds)) {
      await untilNextScrape();
      last = await scrapeNow();
    }
    const first = last;
    // By time, not by scrapes: a scrape of a large list may itself take longer than the scrape interval.
    do {
      await untilNextScrape();
      last = await scrapeNow();
    } while (last.at - first.at < options.seconds * 1000 - 1000);
    const measured = scrapes.slice(scrapes.indexOf(first) + 1);
    const wall = (last.at - first.at) / 1000;
    const checks = last.succeeded + last.failed - first.succeeded - first.failed;
    const cpu = last.cpuMs - first.cpuMs;
    return {
      warmUpSeconds: (first.at - startedAt) / 1000,
      seconds: wall,
      checksPerSecond: checks / wall,
      expectedPerSecond: options.targets / options.intervalSeconds,
      failedChecks: last.failed,
      skewP99Ms: 1000 * Math.max(...measured.map((each) => each.skewP99Seconds)),
      skippedSlots: last.skipped - first.skipped,
      cpuPercent: cpu / 10 / wall,
      cpuMsPerCheck: cpu / checks,
      serverCpuPercent: (last.serverCpuMs - first.serverCpuMs) / 10 / wall,
      peakRssMiB: peakRssMiB(child.pid!),
      metricsMiB: last.bytes / 2 ** 20,
      metricsGzipMiB: last.gzipBytes / 2 ** 20,
      renderMs: Math.max(...measured.map((each) => each.renderMs)),
      load: loadavg()[0]!,
    };
  } finally {
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  }
}
