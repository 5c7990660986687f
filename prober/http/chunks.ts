/**
 * A Readable's chunks one at a time, as they were pushed, paced per turn of the event loop.
 * A Readable's own async iterator reads all that is buffered as one Buffer: undici pushes a body
 * piece by piece, so a fast body was joined into new Buffers again and again (20 bodies at
 * loopback speed: ~100 ms of copying in one turn, the prober's timers held back that long).
 */
import { finished, type Readable } from 'node:stream';
import type { TurnPacer } from '../net/turn-budget.js';

/** Destroys the stream when the caller stops before its end. */
export async function* chunksOf(stream: Readable, pacer: TurnPacer): AsyncGenerator<Buffer> {
  let chunk: Buffer | undefined;
  let settled = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const onData = (data: Buffer): void => {
    // Paused at each chunk: the next is read only when this one was taken.
    stream.pause();
    chunk = data;
    wake?.();
  };
  const stopWatching = finished(stream, (error) => {
    settled = true;
    failure = error ?? undefined;
    wake?.();
  });
  stream.on('data', onData);
  try {
    for (;;) {
      if (chunk === undefined && !settled) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      if (chunk === undefined) {
        if (failure !== undefined) throw failure;
        return;
      }
      const taken = chunk;
      chunk = undefined;
      yield taken;
      await pacer.pace(taken.length);
      stream.resume();
    }
  } finally {
    stream.off('data', onData);
    stopWatching();
    if (!settled) stream.destroy();
  }
}
