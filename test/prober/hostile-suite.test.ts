/**
 * The hostile-target suite (issue 10): 20 probes at once against each kind of misbehaving loopback
 * target, run by probe() in this process while the targets run in a process of their own. Every
 * probe ends within its timeout + 100 ms by its own probe_duration_seconds; the event loop never
 * stalls over 100 ms; open fds and memory come back to what they were after a warm-up round. The
 * figures, wall times too, are printed.
 *
 * A stall is how late a 10 ms timer fires. On a shared machine (load 10–25 on 2 cores here) the OS
 * alone deschedules a process for 100–200 ms now and then, which says nothing about the prober: the
 * stall asserted is the lateness bounded by the CPU time the process used meanwhile (all its
 * threads, so never less than its own blocking work); perf_hooks.monitorEventLoopDelay's wall
 * figure is printed beside it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, test, type TestContext } from 'node:test';
import { closeRegexWorkers, compileRegex } from '../../common/regex.js';
import { defaultModule } from '../../prober/config/modules.js';
import type { Module } from '../../prober/module.js';
import { probe } from '../../prober/probe.js';
import { gc, openFds } from '../helpers/memory.js';
import { httpModule } from './http-helpers.js';
import { moduleWith, tcpModule } from './protocol-harness.js';

after(closeRegexWorkers);

const TIMEOUT_SECONDS = 1;
const CONCURRENCY = 20;
/** The bar: a probe ends within its timeout plus this. */
const LATE_MS = 100;
const MAX_STALL_MS = 100;
const MEASURED_ROUNDS = 2;
/**
 * What is kept must be what was: the JS heap and Buffers within a few MiB. RSS is the allocator's
 * view, which keeps freed pages for reuse (20 × 10 MiB bodies pass through): a generous bound only.
 */
const HEAP_SLACK_MIB = 8;
const RSS_SLACK_MIB = 96;

type Ports = Record<'slowloris' | 'silent' | 'flood' | 'http' | 'grpc' | 'udp', number>;

interface Kind {
  name: string;
  target: (ports: Ports) => string;
  module: Module;
  /** Failure reasons it may end with. */
  reasons: string[];
}

const dnsModule = (transport: 'udp' | 'tcp'): Module =>
  moduleWith('dns', { ...defaultModule('dns').dns, preferred_ip_protocol: 'ip4', query_name: 'example.test', query_type: 'A', transport_protocol: transport }, TIMEOUT_SECONDS);
const expecting = (regex: string): Module => tcpModule({ query_response: [{ expect: compileRegex(regex), starttls: false }] }, TIMEOUT_SECONDS);

const KINDS: Kind[] = [
  { name: 'slowloris headers', target: (p) => `http://127.0.0.1:${p.slowloris}/`, module: httpModule({}, TIMEOUT_SECONDS), reasons: ['timeout'] },
  { name: 'endless body', target: (p) => `http://127.0.0.1:${p.http}/endless`, module: httpModule({}, TIMEOUT_SECONDS), reasons: ['body_too_large', 'timeout'] },
  { name: 'gzip bomb', target: (p) => `http://127.0.0.1:${p.http}/gzip-bomb`, module: httpModule({ compression: 'gzip' }, TIMEOUT_SECONDS), reasons: ['body_too_large', 'timeout'] },
  { name: 'TLS stall after ClientHello', target: (p) => `https://127.0.0.1:${p.silent}/`, module: httpModule({}, TIMEOUT_SECONDS), reasons: ['timeout'] },
  { name: 'silent DNS over UDP', target: (p) => `127.0.0.1:${p.udp}`, module: dnsModule('udp'), reasons: ['timeout'] },
  { name: 'silent DNS over TCP', target: (p) => `127.0.0.1:${p.silent}`, module: dnsModule('tcp'), reasons: ['timeout'] },
  { name: 'silent TCP, query_response', target: (p) => `127.0.0.1:${p.silent}`, module: expecting('^220 '), reasons: ['timeout'] },
  { name: 'line flood, query_response', target: (p) => `127.0.0.1:${p.flood}`, module: expecting('^never$'), reasons: ['timeout', 'query_response'] },
  {
    name: 'stalling gRPC',
    target: (p) => `127.0.0.1:${p.grpc}`,
    module: moduleWith('grpc', { ...defaultModule('grpc').grpc, preferred_ip_protocol: 'ip4' }, TIMEOUT_SECONDS),
    reasons: ['timeout'],
  },
  {
    name: 'backtracking body',
    target: (p) => `http://127.0.0.1:${p.http}/copyright`,
    module: httpModule({ fail_if_body_not_matches_regexp: [compileRegex('Copyright.*2024')] }, TIMEOUT_SECONDS),
    // RE2 on a regex worker refuses it in milliseconds, but 20 bodies at once on a loaded machine may meet the deadline.
    reasons: ['body_regex', 'timeout'],
  },
];

async function startTargets(t: TestContext): Promise<Ports> {
  const script = fileURLToPath(new URL('./hostile-targets.child.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill();
    await exited;
  });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return JSON.parse(line) as Ports;
}

interface Round {
  kind: string;
  reasons: Set<string>;
  worstDurationMs: number;
  worstWallMs: number;
  /** The longest the event loop was late during the round (wall clock, monitorEventLoopDelay). */
  wallStallMs: number;
  /** The same lateness, bounded by the CPU time the process used while it lasted. */
  stallMs: number;
}

const TICK_MS = 10;

/** Starts watching the event loop; the returned function stops and gives its worst lateness, bounded by CPU time used. */
function watchStalls(): () => number {
  let worst = 0;
  let last = performance.now();
  let cpu = process.cpuUsage();
  const timer = setInterval(() => {
    const now = performance.now();
    const used = process.cpuUsage(cpu);
    worst = Math.max(worst, Math.min(now - last - TICK_MS, (used.user + used.system) / 1000));
    last = now;
    cpu = process.cpuUsage();
  }, TICK_MS);
  return () => {
    clearInterval(timer);
    return worst;
  };
}

async function round(kind: Kind, ports: Ports): Promise<Round> {
  const loop = monitorEventLoopDelay({ resolution: TICK_MS });
  loop.enable();
  const stopWatching = watchStalls();
  const results = await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      const started = performance.now();
      const result = await probe({ target: kind.target(ports), module: kind.module });
      return { ...result, wallMs: performance.now() - started };
    }),
  );
  loop.disable();
  return {
    wallStallMs: loop.max / 1e6,
    stallMs: stopWatching(),
    kind: kind.name,
    reasons: new Set(results.map((result) => result.failureReason ?? 'success')),
    worstDurationMs: Math.max(...results.map((result) => result.durationSeconds * 1000)),
    worstWallMs: Math.max(...results.map((result) => result.wallMs)),
  };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function settle(): Promise<void> {
  // Closed sockets are released a turn or two after the probe settles.
  for (let i = 0; i < 5; i++) await pause(20);
  // A collection frees dead Buffers' memory on a helper thread, and `external` counts it until then
  // (20–30 MiB after 20 large bodies): the second collection reads what is really still held.
  gc();
  await pause(20);
  gc();
}

async function suite(t: TestContext, kinds: Kind[]): Promise<void> {
  const ports = await startTargets(t);
  for (const kind of kinds) await round(kind, ports); // warm-up: JIT, TLS contexts, the regex worker
  await settle();
  const fdsBefore = openFds();
  const before = process.memoryUsage();

  const rounds: Round[] = [];
  for (let i = 0; i < MEASURED_ROUNDS; i++) for (const kind of kinds) rounds.push(await round(kind, ports));
  const maxStallMs = Math.max(...rounds.map((each) => each.stallMs));
  const maxWallStallMs = Math.max(...rounds.map((each) => each.wallStallMs));

  await settle();
  const fdsAfter = openFds();
  const after = process.memoryUsage();
  const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
  const held = (usage: NodeJS.MemoryUsage): number => usage.heapUsed + usage.external;

  for (const each of rounds) {
    t.diagnostic(`${each.kind}: ${[...each.reasons].join('/')}; worst probe_duration_seconds ${each.worstDurationMs.toFixed(0)} ms, worst wall ${each.worstWallMs.toFixed(0)} ms; event loop late by up to ${each.stallMs.toFixed(0)} ms (CPU-bounded), ${each.wallStallMs.toFixed(0)} ms (wall)`);
  }
  t.diagnostic(`${rounds.length * CONCURRENCY} probes; max event-loop stall ${maxStallMs.toFixed(1)} ms CPU-bounded, ${maxWallStallMs.toFixed(1)} ms wall`);
  t.diagnostic(`fds ${fdsBefore} -> ${fdsAfter}; heap + external ${mib(held(before))} -> ${mib(held(after))} MiB; RSS ${mib(before.rss)} -> ${mib(after.rss)} MiB`);

  for (const each of rounds) assert.deepEqual([...each.reasons].filter((reason) => !kinds.find((kind) => kind.name === each.kind)!.reasons.includes(reason)), [], each.kind);
  const late = rounds.filter((each) => each.worstDurationMs > TIMEOUT_SECONDS * 1000 + LATE_MS);
  assert.deepEqual(late.map((each) => `${each.kind}: ${each.worstDurationMs.toFixed(0)} ms`), [], 'probes past their timeout + 100 ms');
  assert.ok(maxStallMs <= MAX_STALL_MS, `the event loop stalled for ${maxStallMs.toFixed(1)} ms`);
  assert.ok(fdsAfter <= fdsBefore + 2, `open fds ${fdsBefore} -> ${fdsAfter}`);
  assert.ok(held(after) - held(before) < HEAP_SLACK_MIB * 1024 * 1024, `heap + external ${mib(held(before))} -> ${mib(held(after))} MiB`);
  assert.ok(after.rss - before.rss < RSS_SLACK_MIB * 1024 * 1024, `RSS ${mib(before.rss)} -> ${mib(after.rss)} MiB`);
}

/** 20 × 10 MiB pass through these: their memory figures are read apart from the other kinds'. */
const BODY_FLOODS = new Set(['endless body', 'gzip bomb']);

test('20 probes at once against each hostile target end within timeout + 100 ms, the event loop never stalls over 100 ms, fds and memory return', (t) =>
  suite(t, KINDS.filter((kind) => !BODY_FLOODS.has(kind.name))));

test('the same for 20 bodies at once that never end or inflate without end: each ends by its size limit or deadline', (t) =>
  suite(t, KINDS.filter((kind) => BODY_FLOODS.has(kind.name))));
