/**
 * `npm run bench:exporter`: our exporter CLI against Debian's node_exporter, each with its default
 * collectors, on loopback. Sequential scrapes alternate between the two (so load on the machine
 * hits both alike), then each gets a bounded wrk run. Reports CPU-ms per scrape (from
 * /proc/PID/stat), p50/p95 latency, RSS (and ours over a bare Node HTTP server's), response bytes
 * and ratios; then the same on synthetic /proc and /sys trees of growing size (bench/sysfs-tree.ts)
 * to show how a scrape's cost grows. Rewrites the exporter section of docs/benchmarks.md.
 *
 * Environment: BENCH_SCRAPES (default 500 each), BENCH_TREE_SCRAPES (default 200 each),
 * BENCH_WRK_SECONDS (default 5), BENCH_NODE_FLAGS, BENCH_COLLECTORS (e.g. `cpu,meminfo`: only
 * these collectors on both sides, instead of each one's defaults).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { compileEntry, launchFlags } from './lib/compile.js';
import { anonymousRssMiB, cpuMs, peakRssMiB, rssMiB } from './lib/proc.js';
import { markdownTable, writeSection } from './lib/report.js';
import { percentile, ratio } from './lib/stats.js';
import { ISSUE_TREE_SIZE, writeSyntheticTree, type SyntheticTreeSize } from './sysfs-tree.js';

const SCRAPES = Number(process.env.BENCH_SCRAPES ?? 500);
const COLLECTOR_FLAGS =
  process.env.BENCH_COLLECTORS === undefined ? [] : ['--collector.disable-defaults', ...process.env.BENCH_COLLECTORS.split(',').map((name) => `--collector.${name}`)];
const TREE_SCRAPES = Number(process.env.BENCH_TREE_SCRAPES ?? 200);
/** The synthetic hosts, smallest first: the issue's size last. */
const TREE_SIZES: readonly SyntheticTreeSize[] = [{ disks: 8, interfaces: 16, hwmonSensors: 20 }, ISSUE_TREE_SIZE];
const WRK_SECONDS = Number(process.env.BENCH_WRK_SECONDS ?? 5);
const WARMUP = 50;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Side {
  name: string;
  child: ChildProcess;
  pool: Pool;
  url: string;
  latenciesMs: number[];
  bytes: number;
  cpuMsTotal: number;
  scrapes: number;
  wrk?: { requestsPerSecond: number; cpuMsPerRequest: number };
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function start(name: string, command: string, args: string[], path = '/metrics'): Promise<Side> {
  const port = await freePort();
  const child = spawn(command, [...args, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const pool = new Pool(url, { connections: 1 });
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${stderr}`);
    try {
      const response = await pool.request({ path, method: 'GET' });
      await response.body.text();
      if (response.statusCode === 200) break;
    } catch {
      if (attempt > 300) throw new Error(`${name} did not answer on ${url}:\n${stderr}`);
    }
    await sleep(100);
  }
  return { name, child, pool, url, latenciesMs: [], bytes: 0, cpuMsTotal: 0, scrapes: 0 };
}

async function scrapeOnce(side: Side): Promise<void> {
  const started = performance.now();
  const response = await side.pool.request({ path: '/metrics', method: 'GET' });
  const body = await response.body.arrayBuffer();
  side.latenciesMs.push(performance.now() - started);
  if (response.statusCode !== 200) throw new Error(`${side.name} answered ${response.statusCode}`);
  side.bytes = body.byteLength;
  side.scrapes++;
}

function runWrk(side: Side): void {
  const before = cpuMs(side.child.pid!);
  const result = spawnSync('wrk', ['-t2', '-c8', `-d${WRK_SECONDS}s`, `${side.url}/metrics`], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`wrk failed (install the Debian package wrk): ${result.stderr}`);
  const requests = Number(/(\d+) requests in/.exec(result.stdout)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(result.stdout)?.[1] ?? 0);
  if (non2xx > 0) console.warn(`${side.name}: ${non2xx} non-2xx answers under load`);
  side.wrk = { requestsPerSecond: requests / WRK_SECONDS, cpuMsPerRequest: (cpuMs(side.child.pid!) - before) / requests };
}

/** Alternating sequential scrapes after a warm-up; fills in each side's latencies, CPU and bytes. */
async function scrapeAlternating(sides: Side[], scrapes: number): Promise<void> {
  for (let i = 0; i < WARMUP; i++) for (const side of sides) await scrapeOnce(side);
  for (const side of sides) Object.assign(side, { latenciesMs: [], cpuMsTotal: 0, scrapes: 0 });
  const cpuBefore = sides.map((side) => cpuMs(side.child.pid!));
  // Alternating: scraping in bulk per side would let a busy moment on the machine land on one side only.
  for (let i = 0; i < scrapes; i++) for (const side of i % 2 === 0 ? sides : [...sides].reverse()) await scrapeOnce(side);
  sides.forEach((side, i) => (side.cpuMsTotal = cpuMs(side.child.pid!) - cpuBefore[i]!));
}

async function stop(sides: Side[]): Promise<void> {
  for (const side of sides) {
    await side.pool.close();
    side.child.kill('SIGTERM');
  }
}

/** RSS of a bare `node:http` server with the same Node flags: what Node itself costs before any collector. */
async function nodeFloorMiB(nodeFlags: string[]): Promise<number> {
  // The listen address comes last, after `--`, as the exporters get it.
  const server = "require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.argv.at(-1).split(':').pop()), '127.0.0.1')";
  const bare = await start('bare node:http', process.execPath, [...nodeFlags, '-e', server, '--'], '/');
  try {
    for (let i = 0; i < WARMUP + SCRAPES; i++) await scrapeOnce(bare);
    return rssMiB(bare.child.pid!);
  } finally {
    await stop([bare]);
  }
}

interface TreeRow {
  size: SyntheticTreeSize;
  cpu: [number, number];
  p50: [number, number];
  bytes: [number, number];
}

async function benchTree(size: SyntheticTreeSize, nodeExporter: string, cli: string, nodeFlags: string[]): Promise<TreeRow> {
  const tree = await writeSyntheticTree(size);
  const paths = [`--path.procfs=${tree.procfs}`, `--path.sysfs=${tree.sysfs}`];
  const ours = await start('platypus-exporter', process.execPath, [...nodeFlags, cli, ...COLLECTOR_FLAGS, ...paths]);
  const theirs = await start('node_exporter', nodeExporter, [...COLLECTOR_FLAGS, ...paths]);
  try {
    await scrapeAlternating([ours, theirs], TREE_SCRAPES);
    const cpu = (side: Side) => side.cpuMsTotal / side.scrapes;
    return { size, cpu: [cpu(ours), cpu(theirs)], p50: [percentile(ours.latenciesMs, 50), percentile(theirs.latenciesMs, 50)], bytes: [ours.bytes, theirs.bytes] };
  } finally {
    await stop([ours, theirs]);
    await rm(tree.root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const nodeExporter = spawnSync('sh', ['-c', 'command -v prometheus-node-exporter'], { encoding: 'utf8' }).stdout.trim();
  if (nodeExporter === '') throw new Error('prometheus-node-exporter not found: apt-get install prometheus-node-exporter');
  const cli = compileEntry(root, join(root, 'exporter/cli.ts'), join(root, 'node_modules/.cache/platypus-bench-exporter'));

  const theirs = await start('node_exporter', nodeExporter, COLLECTOR_FLAGS);
  const nodeFlags = launchFlags(cli);
  const ours = await start('platypus-exporter', process.execPath, [...nodeFlags, cli, ...COLLECTOR_FLAGS]);
  const sides = [ours, theirs];
  const loadBefore = loadavg()[0]!;
  let host;
  try {
    await scrapeAlternating(sides, SCRAPES);
    const rss = sides.map((side) => rssMiB(side.child.pid!));
    const anonymous = sides.map((side) => anonymousRssMiB(side.child.pid!));
    for (const side of sides) runWrk(side);
    const peak = sides.map((side) => peakRssMiB(side.child.pid!));
    host = { rss, anonymous, peak };
  } finally {
    await stop(sides);
  }
  const floor = await nodeFloorMiB(nodeFlags);
  const trees: TreeRow[] = [];
  for (const size of TREE_SIZES) trees.push(await benchTree(size, nodeExporter, cli, nodeFlags));
  report(ours, theirs, host, floor, trees, loadBefore, nodeFlags);
}

interface HostMemory {
  rss: number[];
  anonymous: number[];
  peak: number[];
}

function report(ours: Side, theirs: Side, { rss, anonymous, peak }: HostMemory, floor: number, trees: TreeRow[], load: number, nodeFlags: string[]): void {
  const cpu = (side: Side) => side.cpuMsTotal / side.scrapes;
  const p = (side: Side, q: number) => percentile(side.latenciesMs, q);
  const fixed = (value: number, digits = 2) => value.toFixed(digits);
  const rows: string[][] = [
    ['CPU per scrape (ms, sequential)', fixed(cpu(ours)), fixed(cpu(theirs)), ratio(cpu(ours), cpu(theirs)), '≤ 0.8×'],
    ['latency p50 (ms)', fixed(p(ours, 50)), fixed(p(theirs, 50)), ratio(p(ours, 50), p(theirs, 50)), '≤ 1.0×'],
    ['latency p95 (ms)', fixed(p(ours, 95)), fixed(p(theirs, 95)), ratio(p(ours, 95), p(theirs, 95)), ''],
    ['RSS after sequential scrapes (MiB)', fixed(rss[0]!, 1), fixed(rss[1]!, 1), ratio(rss[0]!, rss[1]!), ''],
    [`over a bare node:http server's ${fixed(floor, 1)} MiB (MiB)`, fixed(rss[0]! - floor, 1), '', '', '≤ 15 MiB'],
    ['of which anonymous (heap, stacks; MiB)', fixed(anonymous[0]!, 1), fixed(anonymous[1]!, 1), ratio(anonymous[0]!, anonymous[1]!), ''],
    ['peak RSS incl. wrk load (MiB)', fixed(peak[0]!, 1), fixed(peak[1]!, 1), ratio(peak[0]!, peak[1]!), ''],
    ['response bytes (uncompressed)', String(ours.bytes), String(theirs.bytes), ratio(ours.bytes, theirs.bytes), ''],
    [`scrapes/s under wrk -t2 -c8 ${WRK_SECONDS}s`, fixed(ours.wrk!.requestsPerSecond, 0), fixed(theirs.wrk!.requestsPerSecond, 0), ratio(ours.wrk!.requestsPerSecond, theirs.wrk!.requestsPerSecond), ''],
    ['CPU per scrape under wrk (ms)', fixed(ours.wrk!.cpuMsPerRequest), fixed(theirs.wrk!.cpuMsPerRequest), ratio(ours.wrk!.cpuMsPerRequest, theirs.wrk!.cpuMsPerRequest), ''],
  ];
  const table = markdownTable(['measure', 'platypus-exporter', 'node_exporter 1.5', 'ratio', 'target'], rows);
  const treeTable = markdownTable(
    ['synthetic host', 'CPU/scrape ours (ms)', 'node_exporter (ms)', 'ratio', 'p50 ours (ms)', 'node_exporter (ms)', 'ratio', 'bytes ours', 'node_exporter'],
    trees.map(({ size, cpu: [oc, tc], p50: [op, tp], bytes: [ob, tb] }) => [
      `${size.disks} disks, ${size.interfaces} interfaces, ${size.hwmonSensors} hwmon sensors`,
      fixed(oc), fixed(tc), ratio(oc, tc), fixed(op), fixed(tp), ratio(op, tp), String(ob), String(tb),
    ]),
  );
  const context = `${SCRAPES} sequential scrapes each on the host (${TREE_SCRAPES} on each synthetic host), alternating, keep-alive, after ${WARMUP} warm-up scrapes; Node ${process.version}; load average ${load.toFixed(2)} at start; ${new Date().toISOString().slice(0, 16)}Z.`;
  console.log(`${table}\n\n${treeTable}\n\n${context}`);
  writeSection(
    join(root, 'docs/benchmarks.md'),
    'exporter',
    [
      '## Exporter vs node_exporter',
      '',
      'Command: `npm run bench:exporter` (`BENCH_SCRAPES`, `BENCH_TREE_SCRAPES`, `BENCH_WRK_SECONDS` to change the bounds). Both run',
      `with ${COLLECTOR_FLAGS.length === 0 ? 'their default collectors' : `\`${COLLECTOR_FLAGS.join(' ')}\``} on loopback; ours is the compiled CLI with its shebang's V8 flags`,
      `(\`${nodeFlags.join(' ')}\`). CPU is user+system time from /proc/PID/stat (10 ms ticks, summed over all scrapes); latency`,
      'is measured by the client. RSS is VmRSS from /proc/PID/status; the floor is a bare `node:http` server with the same flags.',
      'The synthetic hosts (`bench/sysfs-tree.ts`) are /proc and /sys trees given to both with `--path.procfs` and `--path.sysfs`.',
      '',
      table,
      '',
      treeTable,
      '',
      context,
    ].join('\n'),
  );
}

await main();
