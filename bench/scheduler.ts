/**
 * `npm run bench:scheduler`: the scheduler at 1,000, 10,000 and 50,000 targets (paths on local HTTP
 * servers in a separate process), each size in a fresh process, measuring sustained checks/s, CPU,
 * RSS, start-time skew and skipped slots. The interval scales with the size so every run asks for
 * the same rate (3,333 checks/s unless BENCH_RATE says otherwise), or, with BENCH_INTERVAL, every size is checked at that one interval. Three probes are measured: the prober's real probe() on the scheduler's
 * thread (the default), the same on worker threads (`--scheduler.probe-workers`), and a minimal
 * keep-alive HTTP GET (the scheduler's own ceiling, with probing nearly free).
 *
 * Bench processes run the compiled JavaScript (as the shipped prober does; tsx alone adds ~25 MiB of RSS),
 * built once into node_modules/.cache/platypus-bench.
 *
 * BENCH_MODE=cli measures the program instead, as a user runs it: the compiled `platypus-prober` with its
 * shebang's flags and its defaults, a config whose scheduler checks a file_sd list (retries 0), nginx on
 * 16 loopback ports as the targets, /metrics scraped every 15 s (bench/lib/scheduler-cli.ts). The
 * interval is targets / BENCH_RATE rounded, at least 3 s (1,000 and 10,000 targets every 3 s, 50,000
 * every 15 s); BENCH_SECONDS defaults to 60 there and BENCH_CLI_FLAGS adds flags to the CLI.
 *
 * Environment: BENCH_SIZES=1000,10000 BENCH_SECONDS=20 BENCH_RATE=3333 (checks/s asked) or BENCH_INTERVAL=15 (seconds), BENCH_PROBES=probe,workers,minimal, BENCH_PROBE_WORKERS=2 and
 * BENCH_NODE_FLAGS for the bench processes instead of the prober's shebang flags (e.g. "--max-semi-space-size=4 --max-old-space-size=128").
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { compileEntry, launchFlags } from './lib/compile.js';
import { startNginx } from './lib/nginx.js';
import { runCli, SCRAPE_INTERVAL_SECONDS } from './lib/scheduler-cli.js';
import { benchSchedulerConfig, startTargetServers } from './lib/target-server.js';
import { MetricFamilies } from '../common/metrics.js';
import { defaultConfig } from '../prober/config.js';
import { probeDurationSeconds, probeSuccess } from '../prober/probe.js';
import { configuredProbe } from '../prober/scheduler/probe-adapter.js';
import { ProbeWorkerPool } from '../prober/scheduler/probe-pool.js';
import { Scheduler, type CheckProbe } from '../prober/scheduler/scheduler.js';
import { statusSnapshot } from '../prober/scheduler/snapshot.js';

// 200,000 checks a minute by default: a little over the seed scale of 180,000, to show the ceiling.
const DEMAND_PER_SECOND = Number(process.env.BENCH_RATE ?? 3333);
/** When set, every size is checked at this interval (seconds) instead of targets / BENCH_RATE. */
const FIXED_INTERVAL = process.env.BENCH_INTERVAL === undefined ? undefined : Number(process.env.BENCH_INTERVAL);
const intervalFor = (targets: number): number => FIXED_INTERVAL ?? targets / DEMAND_PER_SECOND;
/**
 * Listening ports of the target process. A fresh connection per check leaves a TIME-WAIT socket for
 * 60 s: on two ports 3,000 checks/s keep every one of the ~28,000 ephemeral ports in TIME-WAIT for
 * each; on 16, as with a fleet of distinct targets, they are not all taken.
 */
const TARGET_PORTS = 16;
const PROBE_WORKERS = Number(process.env.BENCH_PROBE_WORKERS ?? 2);

type ProbeKind = 'probe' | 'workers' | 'minimal';
const PROBE_LABELS: Record<ProbeKind, string> = { probe: 'probe()', workers: `probe() on ${PROBE_WORKERS} workers`, minimal: 'minimal GET' };

interface RunResult {
  targets: number;
  probe: ProbeKind;
  intervalSeconds: number;
  /** From start until the measurement began: the fixed warm-up plus draining the start-up queue. */
  warmUpSeconds: number;
  seconds: number;
  checksPerSecond: number;
  expectedPerSecond: number;
  schedulerCpuPercent: number;
  serverCpuPercent: number;
  cpuMsPerCheck: number;
  rssMiB: number;
  /** Undefined when no slotted check started in the window (overloaded: only first checks ran). */
  skewP50Ms: number | undefined;
  skewP99Ms: number | undefined;
  skippedSlots: number;
  failedChecks: number;
  renderMetricsMs: number;
  renderStatusMs: number;
  /** The machine's 1-minute load average at the end of the run: other work on the box skews the figures. */
  load: number;
}

function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A GET on a keep-alive pool: the least a probe can cost, so what remains is the scheduler. */
function minimalProbe(): CheckProbe {
  const pools = new Map<string, Pool>();
  return async ({ target, signal }) => {
    const url = new URL(target);
    let pool = pools.get(url.origin);
    if (pool === undefined) pools.set(url.origin, (pool = new Pool(url.origin, { connections: 64 })));
    const started = performance.now();
    let success: boolean;
    try {
      const response = await pool.request({ path: url.pathname, method: 'GET', signal });
      await response.body.dump();
      success = response.statusCode >= 200 && response.statusCode < 300;
    } catch {
      success = false;
    }
    const durationSeconds = (performance.now() - started) / 1000;
    const families = new MetricFamilies();
    families.add(probeSuccess, success ? 1 : 0);
    families.add(probeDurationSeconds, durationSeconds);
    return { success, durationSeconds, failureReason: success ? undefined : 'connect_error', families };
  };
}

/** The first checks (all at start) and then two full intervals of slotted ones. */
const warmUpSeconds = (interval: number): number => Math.max(3, interval * 2);
/**
 * Every target's first check runs at start, so a large list begins with a queue of checks that
 * drains only as fast as capacity exceeds demand; the measurement starts once it has (or at this bound).
 */
const MAX_DRAIN_SECONDS = 90;

/** The CLI's runs are bounded to ~3 minutes (another bench may share the machine): a list it cannot keep up with is measured undrained. */
const CLI_MAX_DRAIN_SECONDS = 30;

async function waitForDrain(scheduler: Scheduler): Promise<void> {
  const deadline = performance.now() + MAX_DRAIN_SECONDS * 1000;
  while (scheduler.stats().queued > 0 && performance.now() < deadline) await sleep(100);
}

async function worker(targets: number, kind: ProbeKind, seconds: number, ports: number[]): Promise<RunResult> {
  const interval = intervalFor(targets);
  const config = benchSchedulerConfig(targets, interval, ports, 256);
  const config0 = defaultConfig();
  const pool = kind === 'workers' ? new ProbeWorkerPool({ size: PROBE_WORKERS, modules: config0.modules }) : undefined;
  const probes: Record<ProbeKind, () => CheckProbe> = { probe: () => configuredProbe(() => config0), workers: () => pool!.probe, minimal: minimalProbe };
  const scheduler = new Scheduler({ probe: probes[kind]() });
  const startedAt = performance.now();
  await scheduler.start(config);
  await sleep(warmUpSeconds(interval) * 1000);
  await waitForDrain(scheduler);
  const warmUp = (performance.now() - startedAt) / 1000;
  const begin = scheduler.stats();
  const failedBefore = [...scheduler.targets()].reduce((sum, state) => sum + state.checksFailed, 0);
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  let rss = 0;
  const p50s: number[] = [];
  const p99s: number[] = [];
  let delaySamples = 0;
  for (let s = 0; s < seconds; s++) {
    await sleep(1000);
    const { startDelay } = scheduler.stats();
    delaySamples = startDelay.samples;
    p50s.push(startDelay.p50);
    p99s.push(startDelay.p99);
    rss = Math.max(rss, process.memoryUsage.rss());
  }
  const wall = (performance.now() - wallBefore) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const end = scheduler.stats();
  const failed = [...scheduler.targets()].reduce((sum, state) => sum + state.checksFailed, 0) - failedBefore;
  let started = performance.now();
  scheduler.renderMetrics();
  const renderMetricsMs = performance.now() - started;
  started = performance.now();
  JSON.stringify(statusSnapshot(scheduler));
  const renderStatusMs = performance.now() - started;
  await scheduler.stop();
  await pool?.close();
  const checks = end.checksCompleted - begin.checksCompleted;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  p50s.sort((a, b) => a - b);
  return {
    targets,
    probe: kind,
    intervalSeconds: interval,
    warmUpSeconds: warmUp,
    seconds: wall,
    checksPerSecond: checks / wall,
    expectedPerSecond: targets / interval,
    schedulerCpuPercent: (100 * cpuSeconds) / wall,
    serverCpuPercent: 0,
    cpuMsPerCheck: (1000 * cpuSeconds) / checks,
    rssMiB: rss / 2 ** 20,
    skewP50Ms: delaySamples === 0 ? undefined : 1000 * p50s[Math.floor(p50s.length / 2)]!,
    skewP99Ms: delaySamples === 0 ? undefined : 1000 * Math.max(...p99s),
    skippedSlots: end.skipped - begin.skipped,
    failedChecks: failed,
    renderMetricsMs,
    renderStatusMs,
    load: loadavg()[0]!,
  };
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'node_modules/.cache/platypus-bench');
let workerScript = join(buildDir, 'bench/scheduler.js');

/** Compiles this file and what it imports; workers then run without the TypeScript loader. */
function compileWorker(): void {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const options = ['--outDir', buildDir, '--rootDir', root, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node'];
  // The probe worker is started by URL, not imported, so it is named here.
  const files = [fileURLToPath(import.meta.url), join(root, 'prober/scheduler/probe-worker.ts')];
  const result = spawnSync(process.execPath, [tsc, ...options, ...files], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) {
    console.error(`compiling the bench worker failed, running it through tsx instead (RSS includes tsx):\n${result.stdout}`);
    workerScript = fileURLToPath(import.meta.url);
  }
}

async function runWorker(targets: number, kind: ProbeKind, seconds: number): Promise<RunResult> {
  const server = await startTargetServers(TARGET_PORTS);
  try {
    const serverCpuBefore = processCpuSeconds(server.pid);
    const nodeFlags = launchFlags(join(root, 'prober/cli.ts'));
    const child = spawn(process.execPath, [...nodeFlags, ...(workerScript.endsWith('.ts') ? ['--import', 'tsx'] : []), workerScript, '--worker', String(targets), kind, String(seconds), server.ports.join(',')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`bench worker for ${targets} targets exited with ${code}`);
    const result = JSON.parse(output) as RunResult & { wallSeconds?: number };
    const warmAndRun = result.seconds + result.warmUpSeconds;
    // The server's CPU over the whole run (warm-up included), as a share of one core.
    result.serverCpuPercent = (100 * (processCpuSeconds(server.pid) - serverCpuBefore)) / warmAndRun;
    return result;
  } finally {
    server.stop();
  }
}

/** The shipped CLI's figures, one row per list size. */
async function mainCli(sizes: number[]): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 60);
  const cliFlags = (process.env.BENCH_CLI_FLAGS ?? '').split(' ').filter((flag) => flag !== '');
  const cli = compileEntry(root, join(root, 'prober/cli.ts'), join(root, '.cache/platypus-bench-prober-cli'), [join(root, 'prober/scheduler/probe-worker.ts')]);
  const nodeFlags = launchFlags(cli);
  console.log(`scheduler bench, the CLI: node ${process.version} ${nodeFlags.join(' ')} platypus-prober ${cliFlags.join(' ')}; nginx on ${TARGET_PORTS} loopback ports; /metrics scraped every ${SCRAPE_INTERVAL_SECONDS} s; ${seconds} s measured after the warm-up; ${new Date().toISOString()}`);
  console.log('| targets | interval | warm-up | checks/s (asked) | failed | skew p99 | skipped slots | prober CPU | CPU-ms/check | nginx CPU | peak RSS | /metrics (gzip) | scrape time | load avg |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const targets of sizes) {
    const interval = FIXED_INTERVAL ?? Math.max(3, Math.round(targets / DEMAND_PER_SECOND));
    const server = await startNginx(TARGET_PORTS);
    try {
      const r = await runCli({ cli, nodeFlags, cliFlags, targets, intervalSeconds: interval, seconds, warmUpSeconds: warmUpSeconds(interval), maxDrainSeconds: CLI_MAX_DRAIN_SECONDS, ports: server.ports, serverPid: server.pid });
      console.log(
        `| ${fmt(targets)} | ${fmt(interval)} s | ${fmt(r.warmUpSeconds)} s | ${fmt(r.checksPerSecond)} (${fmt(r.expectedPerSecond)}) | ${fmt(r.failedChecks)} | ${fmt(r.skewP99Ms)} ms | ${fmt(r.skippedSlots)} | ${fmt(r.cpuPercent)} % | ${fmt(r.cpuMsPerCheck, 3)} | ${fmt(r.serverCpuPercent)} % | ${fmt(r.peakRssMiB)} MiB | ${fmt(r.metricsMiB, 1)} (${fmt(r.metricsGzipMiB, 1)}) MiB | ${fmt(r.renderMs)} ms | ${fmt(r.load, 2)} |`,
      );
    } finally {
      server.stop();
    }
  }
}

const fmt = (value: number, digits = 0): string => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_SIZES ?? '1000,10000,50000').split(',').map(Number);
  if (process.env.BENCH_MODE === 'cli') return mainCli(sizes);
  const seconds = Number(process.env.BENCH_SECONDS ?? 20);
  const kinds = (process.env.BENCH_PROBES ?? 'probe,workers,minimal').split(',') as ProbeKind[];
  compileWorker();
  console.log(`scheduler bench: node ${process.version} ${launchFlags(join(root, 'prober/cli.ts')).join(' ')}, ${seconds} s per run after warm-up, ${FIXED_INTERVAL === undefined ? `interval = targets / ${DEMAND_PER_SECOND} checks/s` : `interval ${FIXED_INTERVAL} s for every size`}, ${TARGET_PORTS} target ports in one separate process, max_concurrent_checks 256`);
  console.log('| probe | targets | interval | warm-up | checks/s (asked) | scheduler CPU | CPU-ms/check | target server CPU | RSS | skew p50 / p99 | skipped slots | failed | render /metrics / status JSON | load avg |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const kind of kinds) {
    for (const size of sizes) {
      const r = await runWorker(size, kind, seconds);
      console.log(
        `| ${PROBE_LABELS[kind]} | ${fmt(r.targets)} | ${fmt(r.intervalSeconds, 2)} s | ${fmt(r.warmUpSeconds)} s | ${fmt(r.checksPerSecond)} (${fmt(r.expectedPerSecond)}) | ${fmt(r.schedulerCpuPercent)} % | ${fmt(r.cpuMsPerCheck, 3)} | ${fmt(r.serverCpuPercent)} % | ${fmt(r.rssMiB)} MiB | ${r.skewP50Ms === undefined ? '–' : fmt(r.skewP50Ms, 1)} / ${r.skewP99Ms === undefined ? '–' : fmt(r.skewP99Ms, 1)} ms | ${fmt(r.skippedSlots)} | ${fmt(r.failedChecks)} | ${fmt(r.renderMetricsMs)} / ${fmt(r.renderStatusMs)} ms | ${fmt(r.load, 1)} |`,
      );
    }
  }
}

if (process.argv[2] === '--worker') {
  const [, , , targets, kind, seconds, ports] = process.argv;
  const result = await worker(Number(targets), kind as ProbeKind, Number(seconds), ports!.split(',').map(Number));
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
} else {
  await main();
}
