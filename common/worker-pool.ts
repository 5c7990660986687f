/**
 * CPU-heavy jobs (bcrypt compares, regex matches over large bodies) on worker threads, so the
 * event loop keeps answering. One job per thread at a time: an aborted job ends its thread (a
 * synchronous match cannot be interrupted otherwise), and the next job starts a fresh one. Threads
 * start on first use and keep the process alive only while they run a job. Jobs beyond `maxQueued`
 * are refused at once.
 */
import { parentPort, Worker, type ResourceLimits } from 'node:worker_threads';

export class WorkerPoolBusyError extends Error {
  constructor(readonly maxQueued: number) {
    super(`too many jobs waiting for a worker thread (${maxQueued})`);
    this.name = 'WorkerPoolBusyError';
  }
}

type Reply<Result> = { id: number; result: Result } | { id: number; error: string };

interface Job<Request, Result> {
  id: number;
  request: Request;
  resolve: (result: Result) => void;
  reject: (error: Error) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export interface WorkerPoolOptions {
  /** The worker's module, as startWorker takes it. */
  script: URL;
  size: number;
  maxQueued: number;
  resourceLimits?: ResourceLimits;
}

/**
 * Starts `script` (`new URL('./x-worker.js', import.meta.url)`). Under tsx (tests, benchmarks from
 * source) the `.ts` next to it is loaded, and the thread must register tsx before importing it.
 */
export function startWorker(script: URL, resourceLimits: ResourceLimits | undefined): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(script, { resourceLimits });
  const source = new URL(script.href.replace(/\.js$/, '.ts'));
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const loader = `import(${tsx}).then(({ register }) => { register(); return import(${JSON.stringify(source.href)}); })`;
  return new Worker(loader, { eval: true, resourceLimits });
}

class Thread<Request, Result> {
  job: Job<Request, Result> | undefined;
  constructor(readonly worker: Worker) {}
}

export class WorkerPool<Request, Result> {
  readonly #script: URL;
  readonly #size: number;
  readonly #maxQueued: number;
  readonly #resourceLimits: ResourceLimits | undefined;
  readonly #threads = new Set<Thread<Request, Result>>();
  readonly #queue: Job<Request, Result>[] = [];
  #nextId = 0;
  #closed = false;

  constructor({ script, size, maxQueued, resourceLimits }: WorkerPoolOptions) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`a worker pool needs at least one thread, got ${size}`);
    this.#script = script;
    this.#size = size;
    this.#maxQueued = maxQueued;
    this.#resourceLimits = resourceLimits;
  }

  run(request: Request, signal?: AbortSignal): Promise<Result> {
    if (this.#closed) return Promise.reject(new Error('worker pool is closed'));
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    // The queue only holds jobs while every thread is busy.
    if (this.#queue.length >= this.#maxQueued) {
      return Promise.reject(new WorkerPoolBusyError(this.#maxQueued));
    }
    return new Promise<Result>((resolve, reject) => {
      const job: Job<Request, Result> = { id: this.#nextId++, request, resolve, reject, signal };
      if (signal !== undefined) {
        job.onAbort = () => this.#abort(job);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.#queue.push(job);
      this.#dispatch();
    });
  }

  /** Ends every thread; waiting and running jobs are rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) this.#settle(job, new Error('worker pool is closed'));
    await Promise.all([...this.#threads].map((thread) => this.#end(thread, new Error('worker pool is closed'))));
  }

  #idleThread(): Thread<Request, Result> | undefined {
    for (const thread of this.#threads) if (thread.job === undefined) return thread;
    return undefined;
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const thread = this.#idleThread() ?? (this.#threads.size < this.#size ? this.#spawn() : undefined);
      if (thread === undefined) return;
      const job = this.#queue.shift()!;
      thread.job = job;
      thread.worker.ref();
      thread.worker.postMessage({ id: job.id, request: job.request });
    }
  }

  #spawn(): Thread<Request, Result> {
    const thread = new Thread<Request, Result>(startWorker(this.#script, this.#resourceLimits));
    thread.worker.unref();
    thread.worker.on('message', (reply: Reply<Result>) => {
      const job = thread.job;
      if (job === undefined || job.id !== reply.id) return;
      thread.job = undefined;
      thread.worker.unref();
      if ('error' in reply) this.#settle(job, new Error(reply.error));
      else this.#settle(job, undefined, reply.result);
      this.#dispatch();
    });
    const fail = (error: Error) => {
      if (!this.#threads.delete(thread)) return;
      if (thread.job !== undefined) this.#settle(thread.job, error);
      thread.job = undefined;
      this.#dispatch();
    };
    thread.worker.on('error', fail);
    thread.worker.on('exit', (code) => fail(new Error(`worker thread exited (code ${code})`)));
    this.#threads.add(thread);
    return thread;
  }

  #abort(job: Job<Request, Result>): void {
    const waiting = this.#queue.indexOf(job);
    if (waiting !== -1) {
      this.#queue.splice(waiting, 1);
      this.#settle(job, job.signal!.reason as Error);
      return;
    }
    for (const thread of this.#threads) {
      if (thread.job === job) void this.#end(thread, job.signal!.reason as Error);
    }
  }

  async #end(thread: Thread<Request, Result>, reason: Error): Promise<void> {
    this.#threads.delete(thread);
    if (thread.job !== undefined) this.#settle(thread.job, reason);
    thread.job = undefined;
    await thread.worker.terminate();
    this.#dispatch();
  }

  #settle(job: Job<Request, Result>, error: Error | undefined, result?: Result): void {
    if (job.onAbort !== undefined) job.signal!.removeEventListener('abort', job.onAbort);
    if (error === undefined) job.resolve(result as Result);
    else job.reject(error);
  }
}

/** The worker side: answers each job with `handle`'s result, or its error's message. */
export function serveJobs<Request, Result>(handle: (request: Request) => Result): void {
  if (parentPort === null) throw new Error('serveJobs runs in a worker thread');
  const port = parentPort;
  port.on('message', ({ id, request }: { id: number; request: Request }) => {
    try {
      port.postMessage({ id, result: handle(request) });
    } catch (error) {
      port.postMessage({ id, error: (error as Error).message });
    }
  });
}
