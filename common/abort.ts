/**
 * The one way to bound a wait: callers build the signal from `AbortSignal.timeout()` and
 * `AbortSignal.any()`, and race their work against it here.
 */
import { setMaxListeners } from 'node:events';

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A promise that rejects with `signal.reason` once `signal` aborts, for racing many waits against
 * one signal with one listener and one timer; `dispose()` once the waits are over.
 */
export function abortRejection(signal: AbortSignal): { promise: Promise<never>; dispose(): void } {
  let dispose = (): void => undefined;
  const promise = new Promise<never>((_, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    // AbortSignal.timeout's timer does not keep Node running: without this handle a wait on
    // work that never settles would end the process instead of timing out.
    const keepAlive = setTimeout(() => undefined, MAX_TIMER_MS);
    const onAbort = (): void => {
      clearTimeout(keepAlive);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    dispose = () => {
      clearTimeout(keepAlive);
      signal.removeEventListener('abort', onAbort);
    };
  });
  // Racers see the rejection; nobody else has to.
  promise.catch(() => undefined);
  return { promise, dispose: () => dispose() };
}

/** Settles as `work` does, or rejects with `signal.reason` once `signal` aborts; leaves no listener behind. */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  const aborted = abortRejection(signal);
  return Promise.race([work, aborted.promise]).finally(aborted.dispose);
}

/** `signal` bounded by `ms` more milliseconds (or just the timeout when there is no outer signal). */
export function withTimeout(ms: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
}

/** True when `error` is the reason a `withTimeout()` signal aborted with on its timeout. */
export function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'TimeoutError';
}

export interface Deadline {
  /** Aborts with a TimeoutError at the deadline, or with the outer signal's reason if that aborts first. */
  readonly signal: AbortSignal;
  /** Ends the deadline once the wait is over. */
  clear(): void;
}

/**
 * `withTimeout` for hot paths: AbortSignal.timeout's timer cannot be cleared, so each call holds
 * about 1 KiB (3 KiB through AbortSignal.any) until it fires; this one's timer goes at `clear()`.
 */
export function startDeadline(ms: number, outer?: AbortSignal): Deadline {
  const controller = new AbortController();
  // One deadline may be shared by many waits, each removing its listener when done.
  setMaxListeners(0, controller.signal);
  const onAbort = (): void => controller.abort(outer?.reason);
  const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
  if (outer?.aborted === true) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    clear() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}
