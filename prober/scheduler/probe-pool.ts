/**
 * The scheduler's probes on worker threads. One Node thread runs ~2,000–3,000 fresh-connection
 * HTTP probes a second; a pool of workers (probe-worker.ts) spreads them over more cores, while the
 * scheduler, its state and the HTTP server stay on the main thread. Each check goes to the worker
 * with the fewest in flight; its families come back encoded (family-codec.ts). A worker that dies fails
 * its checks (as `internal`) and is replaced a second later (a worker that cannot start does not spin).
 * Workers log through the pool's logger (at its level), as the probes of the main thread do.
 * `resize` adds workers at once; a worker it takes away gets no new checks and ends when its last one has.
 */
import type { Worker } from 'node:worker_threads';
import type { Level } from 'pino';
import { silentLogger, type Logger } from '../../common/logging.js';
import { startWorker } from '../../common/worker-pool.js';
import type { Module } from '../module.js';
import type { TargetPolicyOptions } from '../net/policy.js';
import type { MetricFamilies } from '../../common/metrics.js';
import { FamilyDecoder, unflatten, type EncodedFamilies, type FlatFamilies } from './family-codec.js';
import { encodeModules, type TransferableModules } from './module-transfer.js';
import type { CheckProbe, ProbeOutcome, ProbeRequest } from './scheduler.js';

export type ToWorker =
  | { type: 'log-level'; level: string }
  | { type: 'modules'; modules: TransferableModules }
  | { type: 'policy'; policy: TargetPolicyOptions }
  | { type: 'probe'; id: number; target: string; module: string; timeoutSeconds: number }
  | { type: 'abort'; id: number };

export type ProbeReply =
  | { id: number; success: boolean; durationSeconds: number; failureReason?: string; families: EncodedFamilies }
  | { id: number; error: string };

/** Sent once by a worker when its modules are loaded and it takes checks. */
export interface WorkerReady {
  type: 'ready';
}

/** One log line of a worker, without its time: the main thread's logger writes it. */
export interface WorkerLog {
  type: 'log';
  level: Level;
  msg: string;
  fields: Record<string, unknown>;
}

export interface ProbePoolOptions {
  /** Worker threads (at least 1). */
  size: number;
  /** The config's modules; `setModules` replaces them on reload. */
  modules: ReadonlyMap<string, Module>;
  /** The target policy the workers apply (as plain options: a policy's functions cannot cross threads). */
  policy?: TargetPolicyOptions;
  logger?: Logger;
}

/** A worker's answer: the scheduler stores its flat families as they came; `families` builds the objects only when asked. */
class WorkerOutcome implements ProbeOutcome {
  constructor(
    readonly success: boolean,
    readonly durationSeconds: number,
    readonly failureReason: string | undefined,
    readonly flat: FlatFamilies,
  ) {}

  get families(): MetricFamilies {
    return unflatten(this.flat);
  }
}

interface Pending {
  resolve: (outcome: ProbeOutcome) => void;
  reject: (error: Error) => void;
}

class ProbeThread {
  readonly pending = new Map<number, Pending>();
  ready = false;
  constructor(readonly worker: Worker) {}
}

/** Whether `a` gets the next check before `b`: a worker that has loaded before one still starting, then the fewest in flight. */
function takesFirst(a: ProbeThread, b: ProbeThread): boolean {
  return a.ready !== b.ready ? a.ready : a.pending.size < b.pending.size;
}

/**
 * A probe's objects live for one check. Left to V8's defaults (sized from the machine's memory), two
 * workers at 3,000 checks/s took ~80 MiB more RSS than with these bounds, which cost no throughput.
 */
const WORKER_HEAP = { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 64 };
const RESPAWN_DELAY_MS = 1000;

/**
 * A worker's `err` arrives serialized ({type, message, stack}); pino would serialize it again as an
 * `Object`. Without a prototype its `name` is what pino takes as the type, so the line reads as the
 * main thread's would.
 */
function withRevivedError(fields: Record<string, unknown>): Record<string, unknown> {
  const err = fields.err;
  if (err === null || typeof err !== 'object' || !('type' in err)) return fields;
  const revived = Object.defineProperty(Object.assign(Object.create(null) as object, err), 'name', { value: err.type });
  return { ...fields, err: revived };
}

const WORKER_SCRIPT = new URL('./probe-worker.js', import.meta.url);

export class ProbeWorkerPool {
  private readonly threads: ProbeThread[] = [];
  /** Taken away by resize(): no new checks, ended once their checks in flight are. */
  private readonly retiring = new Set<ProbeThread>();
  private wanted: number;
  private readonly decoder = new FamilyDecoder();
  private readonly logger: Logger;
  private modules: ReadonlyMap<string, Module>;
  private readonly policy: TargetPolicyOptions;
  private nextId = 0;
  private closed = false;

  constructor({ size, modules, policy = {}, logger }: ProbePoolOptions) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`a probe worker pool needs at least one worker, got ${size}`);
    this.logger = logger ?? silentLogger();
    this.modules = modules;
    this.policy = policy;
    this.wanted = size;
    for (let i = 0; i < size; i++) this.threads.push(this.spawn());
  }

  /** Workers wanted (those taking checks, and those being replaced after a crash). */
  get size(): number {
    return this.wanted;
  }

  /** Runs `size` workers from now on (0: none; probe() then refuses checks). */
  resize(size: number): void {
    if (!Number.isInteger(size) || size < 0) throw new Error(`a probe worker pool cannot have ${size} workers`);
    this.wanted = size;
    while (this.threads.length < size) this.threads.push(this.spawn());
    while (this.threads.length > size) this.retire(this.threads.pop()!);
  }

  /** Workers that have started and taken their modules: while there are none, checks are better run elsewhere. */
  get readyWorkers(): number {
    let ready = 0;
    for (const thread of this.threads) if (thread.ready) ready++;
    return ready;
  }

  /** Checks in flight on each worker. */
  inFlight(): number[] {
    return this.threads.map((thread) => thread.pending.size);
  }

  /** The config's modules from the next check on. */
  setModules(modules: ReadonlyMap<string, Module>): void {
    this.modules = modules;
    const encoded = encodeModules(modules);
    for (const thread of this.threads) this.post(thread, { type: 'modules', modules: encoded });
  }

  readonly probe: CheckProbe = (request) => {
    if (this.closed) return Promise.reject(new Error('the probe worker pool is closed'));
    if (this.threads.length === 0) return Promise.reject(new Error('no probe worker is running (restarting)'));
    const thread = this.threads.reduce((best, each) => (takesFirst(each, best) ? each : best));
    const id = this.nextId++;
    return new Promise<ProbeOutcome>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      this.post(thread, { type: 'probe', id, target: request.target, module: request.module, timeoutSeconds: request.timeoutSeconds });
      this.forwardAbort(request, thread, id);
    });
  };

  /** Stops every worker; checks still in flight fail. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.threads, ...this.retiring].map((thread) => thread.worker.terminate()));
  }

  private forwardAbort({ signal }: ProbeRequest, thread: ProbeThread, id: number): void {
    const abort = (): void => {
      if (thread.pending.has(id)) this.post(thread, { type: 'abort', id });
    };
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
  }

  private retire(thread: ProbeThread): void {
    this.retiring.add(thread);
    if (thread.pending.size === 0) void thread.worker.terminate();
  }

  private post(thread: ProbeThread, message: ToWorker): void {
    thread.worker.postMessage(message);
  }

  private spawn(): ProbeThread {
    const thread = new ProbeThread(startWorker(WORKER_SCRIPT, WORKER_HEAP));
    thread.worker.unref();
    this.post(thread, { type: 'log-level', level: this.logger.level });
    this.post(thread, { type: 'policy', policy: this.policy });
    this.post(thread, { type: 'modules', modules: encodeModules(this.modules) });
    thread.worker.on('message', (message: ProbeReply | WorkerLog | WorkerReady) => {
      if (!('type' in message)) this.settle(thread, message);
      else if (message.type === 'ready') thread.ready = true;
      else this.logger[message.level](withRevivedError(message.fields), message.msg);
    });
    thread.worker.on('error', (error) => this.logger.error({ err: error }, 'probe worker failed'));
    thread.worker.on('exit', (code) => this.replace(thread, code));
    return thread;
  }

  private settle(thread: ProbeThread, reply: ProbeReply): void {
    const pending = thread.pending.get(reply.id);
    if (pending === undefined) return;
    thread.pending.delete(reply.id);
    if (thread.pending.size === 0 && this.retiring.has(thread)) void thread.worker.terminate();
    if ('error' in reply) {
      pending.reject(new Error(reply.error));
      return;
    }
    pending.resolve(new WorkerOutcome(reply.success, reply.durationSeconds, reply.failureReason, this.decoder.flat(reply.families)));
  }

  private replace(thread: ProbeThread, code: number): void {
    const error = new Error(`probe worker exited with code ${code}`);
    for (const pending of thread.pending.values()) pending.reject(error);
    thread.pending.clear();
    if (this.retiring.delete(thread)) return;
    const index = this.threads.indexOf(thread);
    if (index !== -1) this.threads.splice(index, 1);
    if (this.closed) return;
    this.logger.error({ code }, 'probe worker exited; starting a new one');
    setTimeout(() => {
      if (!this.closed && this.threads.length < this.wanted) this.threads.push(this.spawn());
    }, RESPAWN_DELAY_MS).unref();
  }
}
