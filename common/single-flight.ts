/** Callers that ask while a call is running share that call instead of starting another. */
export function singleFlight<T>(call: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  return () => {
    if (running === undefined) {
      running = call();
      const clear = (): void => {
        running = undefined;
      };
      running.then(clear, clear);
    }
    return running;
  };
}
