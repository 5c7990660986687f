/**
 * A Readable's chunks handed over one at a time, as they were pushed, paced per turn of the event
 * loop. A Readable's own async iterator reads all that is buffered as one Buffer: undici pushes a
 * body piece by piece, so a fast body was joined into new Buffers again and again (20 bodies at
 * loopback speed: ~100 ms of copying in one turn, the prober's timers held back that long).
 */
import { finished, type Readable } from 'node:stream';
import type { TurnPacer } from '../net/turn-budget.js';

/**
 * Calls `take` with each chunk; while the promise it may return is pending (or the turn's budget
 * is spent) the stream is paused. Resolves at the stream's end; rejects with its error, or with
 * what `take` threw, and then destroys the stream.
 */
export function eachChunk(stream: Readable, pacer: TurnPacer, take: (chunk: Buffer) => Promise<unknown> | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = (error?: unknown): void => {
      stopWatching();
      stream.off('data', onData);
      if (error === undefined) return resolve();
      stream.destroy();
      reject(error as Error);
    };
    const onData = (chunk: Buffer): void => {
      let taking: Promise<unknown> | undefined;
      try {
        taking = take(chunk);
      } catch (error) {
        return stop(error);
      }
      const paced = pacer.pace(chunk.length);
      if (taking === undefined && paced === undefined) return;
      stream.pause();
      Promise.all([taking, paced]).then(() => stream.resume(), stop);
    };
    const stopWatching = finished(stream, (error) => stop(error ?? undefined));
    stream.on('data', onData);
  });
}
