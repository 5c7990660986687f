/**
 * A probe worker thread: runs the prober's own `probe()` for the main thread's scheduler, so
 * probing (connections, TLS, parsing, the families) uses more cores than the one the scheduler
 * and the HTTP server share. Messages are defined in probe-pool.ts.
 */
import { Writable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { createLogger } from '../../common/logging.js';
import type { Config } from '../config.js';
import { guardProbeCrashes } from '../boundary.js';
import type { Module } from '../module.js';
import { createTargetPolicy } from '../net/policy.js';
import { FamilyEncoder } from './family-codec.js';
import { decodeModules } from './module-transfer.js';
import { configuredProbe } from './probe-adapter.js';
import type { ProbeReply, ToWorker, WorkerLog, WorkerReady } from './probe-pool.js';

const port = parentPort;
if (port === null) throw new Error('probe-worker.js runs as a worker thread of the scheduler');

let config: Config = { modules: new Map<string, Module>(), scheduler: undefined };
const running = new Map<number, AbortController>();
const encoder = new FamilyEncoder();
/** Log lines go to the main thread, which writes them with its own logger (format, destination). */
const relay = new Writable({
  write(chunk: Buffer, _encoding, done) {
    const { level, msg, time: _time, ...fields } = JSON.parse(chunk.toString()) as Record<string, unknown>;
    port.postMessage({ type: 'log', level, msg, fields } as WorkerLog);
    done();
  },
});
// At the main logger's level from the pool's first message on; lines above it are never posted.
const logger = createLogger({ level: 'error', format: 'json', destination: relay });
let probeHere = configuredProbe(() => config, logger);
// A probe callback that throws fails that probe; anything else ends this thread, which the pool replaces.
guardProbeCrashes(logger);

async function run(id: number, target: string, module: string, timeoutSeconds: number): Promise<ProbeReply> {
  const controller = new AbortController();
  running.set(id, controller);
  try {
    const { families, ...outcome } = await probeHere({ target, module, timeoutSeconds, signal: controller.signal });
    return { id, ...outcome, families: encoder.encode(families) };
  } catch (error) {
    return { id, error: (error as Error).message };
  } finally {
    running.delete(id);
  }
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'log-level':
      logger.level = message.level;
      break;
    case 'policy':
      probeHere = configuredProbe(() => config, logger, createTargetPolicy(message.policy));
      break;
    case 'modules':
      config = { modules: decodeModules(message.modules), scheduler: undefined };
      break;
    case 'probe':
      void run(message.id, message.target, message.module, message.timeoutSeconds).then((reply) => port.postMessage(reply));
      break;
    case 'abort':
      running.get(message.id)?.abort(new Error('check timed out'));
      break;
  }
});

// The pool sends checks here only from now on: until then the main thread runs them (a check queued to a starting thread could time out).
port.postMessage({ type: 'ready' } satisfies WorkerReady);
