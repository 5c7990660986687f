/**
 * The one way to bound a wait: callers build the signal from `AbortSignal.timeout()` and
 * `AbortSignal.any()`, and race their work against it here.
 */

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Settles as `work` does, or rejects with `signal.reason` once `signal` aborts; leaves no listener behind. */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    // AbortSignal.timeout's timer does not keep Node running: without this handle a wait on
    // work that never settles would end the process instead of timing out.
    const keepAlive = setTimeout(() => undefined, MAX_TIMER_MS);
    const done = (): void => {
      clearTimeout(keepAlive);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      done();
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error as Error);
      },
    );
  });
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
