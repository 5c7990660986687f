/**
 * Reads a response body within a size limit (on the wire and after decompression, so neither an
 * endless body nor a zip bomb can grow memory), keeping the text only when a regex needs it.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { ProbeError } from '../types.js';

/** Used when a module's body_size_limit is 0: never unlimited. */
export const DEFAULT_BODY_SIZE_LIMIT = 10 * 1024 * 1024;

export interface BodyResult {
  /** Bytes received (compressed, if it was). */
  wireBytes: number;
  /** Bytes after decompression. */
  uncompressedBytes: number;
  /** The body as text, when asked for. */
  text?: string;
}

function decompressor(compression: string): NodeJS.ReadWriteStream | undefined {
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

export async function readBody(body: Readable, options: { limit: number; compression: string; keepText: boolean; signal: AbortSignal }): Promise<BodyResult> {
  const result: BodyResult = { wireBytes: 0, uncompressedBytes: 0 };
  const chunks: Buffer[] = [];
  const countWire = async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      result.wireBytes += chunk.length;
      if (result.wireBytes > options.limit) throw tooLarge(options.limit);
      yield chunk;
    }
  };
  const collect = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      result.uncompressedBytes += chunk.length;
      if (result.uncompressedBytes > options.limit) throw tooLarge(options.limit);
      if (options.keepText) chunks.push(chunk);
    }
  };
  const decoder = decompressor(options.compression);
  try {
    // The plain case skips stream.pipeline, which costs an AbortController and an AbortError per call.
    if (decoder === undefined) await collect(countWire(body));
    else await pipeline(body, countWire, decoder as NodeJS.ReadWriteStream & AsyncIterable<Buffer>, collect, { signal: options.signal });
  } catch (error) {
    if (error instanceof ProbeError) throw error;
    if (options.signal.aborted) throw new ProbeError('timeout', 'reading the response body timed out', { cause: error });
    const reason = decoder !== undefined && (error as NodeJS.ErrnoException).code?.startsWith('Z_') === true ? 'protocol' : 'connect_error';
    throw new ProbeError(reason, `reading the response body failed: ${(error as Error).message}`, { cause: error });
  }
  if (options.keepText) result.text = Buffer.concat(chunks).toString('utf8');
  return result;
}
