/**
 * Reads a response body within a size limit (on the wire and after decompression, so neither an
 * endless body nor a zip bomb can grow memory), keeping the bytes only when a regex needs them.
 */
import { once } from 'node:events';
import { addAbortSignal, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { TurnPacer } from '../net/turn-budget.js';
import { ProbeError } from '../types.js';
import { eachChunk } from './chunks.js';

/** Used when a module's body_size_limit is 0: never unlimited. */
export const DEFAULT_BODY_SIZE_LIMIT = 10 * 1024 * 1024;
/** Bytes each body may always take in a turn of the event loop (about one socket read), whatever other probes do. */
const BYTES_PER_TURN = 64 * 1024;

export interface BodyResult {
  /** Bytes received (compressed, if it was), up to the limit. */
  wireBytes: number;
  /** Bytes after decompression, up to the limit. */
  uncompressedBytes: number;
  /** The body's bytes, when asked for and read whole. */
  bytes?: Buffer;
  /** Why the body could not be read whole (the counts above are what was read). */
  error?: ProbeError;
}

function decompressor(compression: string): Transform | undefined {
  switch (compression) {
    case 'gzip':
      return createGunzip();
    case 'br':
      return createBrotliDecompress();
    case 'deflate':
      return createInflate();
    default:
      return undefined;
  }
}

function tooLarge(limit: number): ProbeError {
  return new ProbeError('body_too_large', `response body is larger than the limit of ${limit} bytes`);
}

function bodyError(error: unknown, signal: AbortSignal, decompressing: boolean): ProbeError {
  if (error instanceof ProbeError) return error;
  if (signal.aborted) return new ProbeError('timeout', 'reading the response body timed out', { cause: error });
  const reason = decompressing && (error as NodeJS.ErrnoException).code?.startsWith('Z_') === true ? 'protocol' : 'connect_error';
  return new ProbeError(reason, `reading the response body failed: ${(error as Error).message}`, { cause: error });
}

/** Reads the whole body; never throws: a failure is in `error`, with what was read until then. */
export async function readBody(body: Readable, options: { limit: number; compression: string; keepBytes: boolean; signal: AbortSignal }): Promise<BodyResult> {
  const result: BodyResult = { wireBytes: 0, uncompressedBytes: 0 };
  const kept: Buffer[] = [];
  const pacer = new TurnPacer(BYTES_PER_TURN);
  type Take = (chunk: Buffer) => Promise<unknown> | undefined;
  // As Go's MaxBytesReader: the bytes up to the limit are passed on, then reading fails.
  const countWire = (chunk: Buffer, passOn: Take): Promise<unknown> | undefined => {
    const room = options.limit - result.wireBytes;
    if (chunk.length <= room) {
      result.wireBytes += chunk.length;
      return passOn(chunk);
    }
    result.wireBytes = options.limit;
    if (room > 0) passOn(chunk.subarray(0, room))?.catch(() => undefined);
    throw tooLarge(options.limit);
  };
  const collect = (chunk: Buffer): undefined => {
    const room = options.limit - result.uncompressedBytes;
    result.uncompressedBytes += Math.min(chunk.length, room);
    if (chunk.length > room) throw tooLarge(options.limit);
    if (options.keepBytes) kept.push(chunk);
    return undefined;
  };
  const decoder = decompressor(options.compression);
  try {
    addAbortSignal(options.signal, body);
    if (decoder === undefined) {
      await eachChunk(body, pacer, (chunk) => countWire(chunk, collect));
    } else {
      const decode: Take = (bytes) => (decoder.write(bytes) ? undefined : once(decoder, 'drain'));
      const feeding = eachChunk(body, pacer, (chunk) => countWire(chunk, decode)).then(() => decoder.end());
      await Promise.all([feeding, eachChunk(decoder, pacer, collect)]).catch((error: unknown) => {
        body.destroy();
        decoder.destroy();
        throw error;
      });
    }
  } catch (error) {
    result.error = bodyError(error, options.signal, decoder !== undefined);
    return result;
  }
  if (options.keepBytes) result.bytes = Buffer.concat(kept);
  return result;
}
