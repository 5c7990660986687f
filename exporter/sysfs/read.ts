/**
 * Reading sysfs attributes off the event loop, each within a time bound.
 *
 * A sysfs read runs the driver's show() function: most answer at once, but some hwmon and i2c
 * drivers block for seconds or for good, and a blocked read() cannot be cancelled from JavaScript.
 * libuv's four-thread pool is shared with statfs and DNS, so reads run on dedicated worker
 * threads instead. A read still running after `timeoutMs` fails with ETIMEDOUT; its file is
 * remembered as stuck and fails at once until the hung call returns, and its thread is set aside
 * and replaced (up to `maxStuckThreads`), so one bad driver costs one scrape its bound, once.
 *
 * Directory listings and symlinks are kernfs lookups that never reach a driver: callers do those
 * synchronously.
 */
import { Worker } from 'node:worker_threads';

export interface SysfsReaderOptions {
  /** Threads that read (default 1: each costs ~9 MiB of RSS, and a scrape's ~100 attribute reads take ~1 ms on one). */
  threads?: number;
  /** How long one file may take (default 1000 ms). */
  timeoutMs?: number;
  /** Once this many threads are blocked in a read, no replacement is started (default 4). */
  maxStuckThreads?: number;
  /** Bytes read per file at most (default 64 KiB; sysfs attributes are at most a page). */
  maxBytes?: number;
}

export class SysfsReadError extends Error {
  override name = 'SysfsReadError';
  constructor(
    readonly path: string,
    /** errno name (ENOENT, EIO, EAGAIN…), or ETIMEDOUT when the read passed its bound or is still stuck. */
    readonly code: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

/** One file's text, or why it could not be read. */
export type ReadOutcome = string | SysfsReadError;

export interface SysfsReader {
  /** Each path's text or error, in order; rejects only when `signal` aborts. */
  readMany(paths: readonly string[], signal?: AbortSignal): Promise<ReadOutcome[]>;
}

/** Each worker reads its batch in order and bumps `progress[0]` before every file, so a stalled file shows. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const progress = new Int32Array(workerData.progress);
const buffer = Buffer.allocUnsafe(workerData.maxBytes);
parentPort.on('message', ({ batch, paths }) => {
  const results = [];
  for (const path of paths) {
    Atomics.add(progress, 0, 1);
    let fd = -1;
    try {
      fd = openSync(path, 'r');
      let length = 0;
      for (;;) {
        const n = readSync(fd, buffer, length, buffer.length - length, null);
        if (n === 0) break;
        length += n;
        if (length === buffer.length) break;
      }
      results.push(buffer.toString('utf8', 0, length));
    } catch (error) {
      results.push({ code: error.code || 'EIO', message: error.message });
    } finally {
      if (fd !== -1) try { closeSync(fd); } catch {}
    }
  }
  parentPort.postMessage({ batch, results });
});
`;

type WorkerResult = string | { code: string; message: string };

interface Batch {
  id: number;
  paths: string[];
  /** Where each path's outcome goes in its request. */
  deliver: (index: number, outcome: ReadOutcome) => void;
}

interface Thread {
  worker: Worker;
  progress: Int32Array;
  batch?: Batch;
  /** `progress` when the current batch was handed over. */
  progressAtBatch: number;
  /** Set once the thread is blocked past the bound: the file it is stuck on. */
  stuckOn?: string;
}

/** Files per message: a host's scrape fits in one or two (each round trip to the thread costs; 64 cost ~7 % more CPU than this on 200 hwmon sensors). */
const BATCH_SIZE = 512;

export class ThreadedSysfsReader implements SysfsReader {
  readonly #threads: number;
  readonly #timeoutMs: number;
  readonly #maxStuck: number;
  readonly #maxBytes: number;
  readonly #idle: Thread[] = [];
  readonly #busy = new Set<Thread>();
  readonly #stuck = new Set<Thread>();
  /** Files whose read has not returned since it passed its bound. */
  readonly #stuckPaths = new Set<string>();
  readonly #queue: Batch[] = [];
  #nextBatch = 0;
  #watchdog: NodeJS.Timeout | undefined;
  #closed = false;

  constructor({ threads = 1, timeoutMs = 1000, maxStuckThreads = 4, maxBytes = 64 * 1024 }: SysfsReaderOptions = {}) {
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`sysfs reader: threads must be a positive integer, got ${threads}`);
    if (!(timeoutMs > 0)) throw new Error(`sysfs reader: timeoutMs must be positive, got ${timeoutMs}`);
    this.#threads = threads;
    this.#timeoutMs = timeoutMs;
    this.#maxStuck = maxStuckThreads;
    this.#maxBytes = maxBytes;
  }

  /** Files currently known to hang. */
  stuckPaths(): string[] {
    return [...this.#stuckPaths];
  }

  readMany(paths: readonly string[], signal?: AbortSignal): Promise<ReadOutcome[]> {
    if (this.#closed) return Promise.reject(new Error('sysfs reader is closed'));
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    const outcomes: ReadOutcome[] = new Array(paths.length);
    let remaining = paths.length;
    return new Promise<ReadOutcome[]>((resolve, reject) => {
      const onAbort = (): void => {
        remaining = -1;
        reject(signal?.reason as Error);
      };
      const deliver = (index: number, outcome: ReadOutcome): void => {
        if (remaining <= 0 || outcomes[index] !== undefined) return;
        outcomes[index] = outcome;
        if (--remaining === 0) {
          signal?.removeEventListener('abort', onAbort);
          resolve(outcomes);
        }
      };
      if (remaining === 0) return resolve(outcomes);
      signal?.addEventListener('abort', onAbort, { once: true });
      const toRead: number[] = [];
      for (let i = 0; i < paths.length; i++) {
        const path = paths[i] as string;
        if (this.#stuckPaths.has(path)) deliver(i, stuckError(path, 'a previous read of this file is still blocked'));
        else toRead.push(i);
      }
      for (let start = 0; start < toRead.length; start += BATCH_SIZE) {
        const indexes = toRead.slice(start, start + BATCH_SIZE);
        this.#queue.push({
          id: this.#nextBatch++,
          paths: indexes.map((i) => paths[i] as string),
          deliver: (k, outcome) => deliver(indexes[k] as number, outcome),
        });
      }
      this.#dispatch();
    });
  }

  /** Stops every thread; reads still pending are left unanswered. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#watchdog);
    // A thread blocked in a driver ends only when its read returns: do not wait for it.
    for (const thread of this.#stuck) void thread.worker.terminate();
    const running = [...this.#idle, ...this.#busy];
    this.#idle.length = 0;
    this.#busy.clear();
    this.#stuck.clear();
    await Promise.all(running.map((thread) => thread.worker.terminate()));
  }

  #start(): Thread {
    const shared = new SharedArrayBuffer(4);
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { progress: shared, maxBytes: this.#maxBytes } });
    // Idle readers must not keep the process alive.
    worker.unref();
    const thread: Thread = { worker, progress: new Int32Array(shared), progressAtBatch: 0 };
    worker.on('message', (message: { batch: number; results: WorkerResult[] }) => this.#finished(thread, message));
    worker.on('error', (error) => this.#failed(thread, error));
    return thread;
  }

  #live(): number {
    return this.#idle.length + this.#busy.size;
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      let thread = this.#idle.pop();
      if (thread === undefined && this.#live() < this.#threads && (this.#stuck.size === 0 || this.#stuck.size < this.#maxStuck)) thread = this.#start();
      if (thread === undefined) break;
      const batch = this.#queue.shift() as Batch;
      thread.batch = batch;
      thread.progressAtBatch = Atomics.load(thread.progress, 0);
      this.#busy.add(thread);
      thread.worker.ref();
      thread.worker.postMessage({ batch: batch.id, paths: batch.paths });
    }
    if (this.#queue.length > 0 && this.#live() === 0) {
      // Every thread is blocked in a driver and no more may be started: fail rather than wait.
      for (const batch of this.#queue.splice(0)) {
        batch.paths.forEach((path, k) => batch.deliver(k, stuckError(path, 'every sysfs reader thread is blocked')));
      }
    }
    this.#watch();
  }

  /** While reads run, checks every quarter bound that each busy thread's current file is progressing. */
  #watch(): void {
    if (this.#busy.size === 0) {
      clearInterval(this.#watchdog);
      this.#watchdog = undefined;
      return;
    }
    if (this.#watchdog !== undefined) return;
    const seen = new Map<Thread, { progress: number; since: number }>();
    this.#watchdog = setInterval(() => {
      const now = performance.now();
      for (const thread of this.#busy) {
        const progress = Atomics.load(thread.progress, 0);
        // Not started on the batch yet (a new thread is still booting): nothing is blocked.
        if (progress === thread.progressAtBatch) continue;
        const last = seen.get(thread);
        if (last === undefined || last.progress !== progress) seen.set(thread, { progress, since: now });
        else if (now - last.since >= this.#timeoutMs) this.#abandon(thread);
      }
      for (const thread of seen.keys()) if (!this.#busy.has(thread)) seen.delete(thread);
      if (this.#busy.size === 0) this.#watch();
    }, Math.max(1, this.#timeoutMs / 4));
    this.#watchdog.unref();
  }

  /** The thread has been on one file past the bound: fail that file, re-queue the rest of its batch elsewhere. */
  #abandon(thread: Thread): void {
    const batch = thread.batch as Batch;
    const index = this.#fileIndex(thread, batch);
    const path = batch.paths[index] as string;
    this.#busy.delete(thread);
    this.#stuck.add(thread);
    thread.worker.unref();
    thread.stuckOn = path;
    this.#stuckPaths.add(path);
    batch.deliver(index, stuckError(path, `read did not return within ${this.#timeoutMs} ms`));
    const rest = batch.paths.map((p, k) => [p, k] as const).filter(([, k]) => k !== index);
    if (rest.length > 0) {
      this.#queue.unshift({
        id: this.#nextBatch++,
        paths: rest.map(([p]) => p),
        deliver: (j, outcome) => batch.deliver((rest[j] as readonly [string, number])[1], outcome),
      });
    }
    thread.batch = undefined;
    this.#dispatch();
  }

  #fileIndex(thread: Thread, batch: Batch): number {
    const started = Atomics.load(thread.progress, 0) - thread.progressAtBatch;
    return Math.min(Math.max(started - 1, 0), batch.paths.length - 1);
  }

  #finished(thread: Thread, { batch: id, results }: { batch: number; results: WorkerResult[] }): void {
    if (this.#stuck.delete(thread)) {
      // The hung read returned: its file may be read again; this late batch was already re-queued.
      if (thread.stuckOn !== undefined) this.#stuckPaths.delete(thread.stuckOn);
      thread.stuckOn = undefined;
      if (this.#closed || this.#live() >= this.#threads) void thread.worker.terminate();
      else this.#makeIdle(thread);
      this.#dispatch();
      return;
    }
    const batch = thread.batch;
    if (batch === undefined || batch.id !== id) return;
    thread.batch = undefined;
    this.#busy.delete(thread);
    this.#makeIdle(thread);
    results.forEach((result, k) => {
      const path = batch.paths[k] as string;
      batch.deliver(k, typeof result === 'string' ? result : new SysfsReadError(path, result.code, result.message));
    });
    this.#dispatch();
  }

  #makeIdle(thread: Thread): void {
    thread.worker.unref();
    this.#idle.push(thread);
  }

  /** A thread that died (it should not): its batch fails, and a new thread takes its place on demand. */
  #failed(thread: Thread, error: Error): void {
    this.#busy.delete(thread);
    this.#stuck.delete(thread);
    const index = this.#idle.indexOf(thread);
    if (index !== -1) this.#idle.splice(index, 1);
    const batch = thread.batch;
    thread.batch = undefined;
    batch?.paths.forEach((path, k) => batch.deliver(k, new SysfsReadError(path, 'EIO', `reader thread failed: ${error.message}`)));
    this.#dispatch();
  }
}

function stuckError(path: string, why: string): SysfsReadError {
  return new SysfsReadError(path, 'ETIMEDOUT', why);
}

let shared: ThreadedSysfsReader | undefined;

/** A sysfs collector's one option that is not a flag: tests give their own reader. */
export interface SysfsReaderOption {
  /** Defaults to the process's shared reader. */
  reader?: SysfsReader;
}

/** The process's one reader, started on first use, so every collector shares its threads and its memory of stuck files. */
export function sharedSysfsReader(): SysfsReader {
  shared ??= new ThreadedSysfsReader();
  return shared;
}
