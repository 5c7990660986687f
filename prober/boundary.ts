/**
 * The probe boundary: nothing a probe does may end the process. A throw in the probe's promise
 * chain is already a failed probe (runProber); a throw from a callback the probe started (a
 * socket's, a timer's) reaches `uncaughtException` instead. Each probe therefore runs in an
 * AsyncLocalStorage scope, which every callback it starts inherits, and guardProbeCrashes()
 * fails the probe whose callback threw (reason `internal`) and keeps the process up. An
 * exception from outside any probe still ends the process: nothing says its state is sound.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '../common/logging.js';
import { logValue } from './log-value.js';
import { ProbeError } from './types.js';

interface ProbeScope {
  target: string;
  module: string;
  fail(error: unknown): void;
}

const scopes = new AsyncLocalStorage<ProbeScope>();

/**
 * Runs `work` in a probe scope: resolves as it does, or rejects with ProbeError('internal') when
 * a callback it started throws (once guardProbeCrashes() is installed in the process or thread).
 */
export function withinProbeBoundary<T>(labels: { target: string; module: string }, work: () => Promise<T>): Promise<T> {
  let fail!: (error: unknown) => void;
  const crashed = new Promise<never>((_resolve, reject) => {
    fail = (error) => reject(new ProbeError('internal', `probe callback threw: ${String(error)}`, { cause: error }));
  });
  return Promise.race([scopes.run({ ...labels, fail }, work), crashed]);
}

/**
 * Installs the process-level half of the boundary (a program's entry point calls it once; a
 * library leaves the process's handlers alone). Returns a function that removes it.
 */
export function guardProbeCrashes(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  const onUncaught = (error: Error): void => {
    const scope = scopes.getStore();
    if (scope === undefined) {
      logger.fatal({ err: error }, 'uncaught exception outside any probe; exiting');
      exit(1);
      return;
    }
    logger.error({ err: error, target: logValue(scope.target), module: logValue(scope.module) }, 'a probe callback threw; the probe fails as internal');
    scope.fail(error);
  };
  process.on('uncaughtException', onUncaught);
  return () => process.off('uncaughtException', onUncaught);
}
