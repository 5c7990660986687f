/** readBody and its chunk reader on fixture input: the size limit's exact edge, decompression bombs, failures, pacing. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { readBody } from '../../prober/http/body.js';
import { eachChunk } from '../../prober/http/chunks.js';
import { TurnPacer } from '../../prober/net/turn-budget.js';

const LIMIT = 64 * 1024;
/** 1 MiB of zeros as one gzip member (about 1 KiB): repeated, a body that inflates without end. */
const ZEROS_MEMBER = readFileSync(new URL('../fixtures/prober/http/zeros-1MiB.gz', import.meta.url));
const NEVER = new AbortController().signal;

/** `bytes` in pieces of `size` (the last shorter), as a socket would hand them over. */
function pieces(bytes: Buffer, size = 10_000): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

function body(chunks: Iterable<Buffer>): Readable {
  return Readable.from(chunks, { objectMode: false });
}

function text(length: number): Buffer {
  return Buffer.from('0123456789abcdef'.repeat(Math.ceil(length / 16)).slice(0, length));
}

const read = (source: Readable, options: { limit?: number; compression?: string; keepBytes?: boolean; signal?: AbortSignal } = {}) =>
  readBody(source, { limit: options.limit ?? LIMIT, compression: options.compression ?? '', keepBytes: options.keepBytes ?? false, signal: options.signal ?? NEVER });

test('readBody: a body of limit − 1 or limit bytes is read whole; limit + 1 fails body_too_large with the limit counted', async () => {
  for (const length of [LIMIT - 1, LIMIT]) {
    const bytes = text(length);
    const result = await read(body(pieces(bytes)), { keepBytes: true });
    assert.equal(result.error, undefined, `${length} bytes`);
    assert.equal(result.wireBytes, length);
    assert.equal(result.uncompressedBytes, length);
    assert.deepEqual(result.bytes, bytes);
  }
  const source = body(pieces(text(LIMIT + 1)));
  const result = await read(source, { keepBytes: true });
  assert.equal(result.error?.reason, 'body_too_large');
  assert.equal(result.wireBytes, LIMIT);
  assert.equal(result.uncompressedBytes, LIMIT);
  assert.equal(result.bytes, undefined);
  assert.equal(source.destroyed, true);
});

test('readBody: the bytes are kept only when asked for', async () => {
  const result = await read(body(pieces(text(1000))));
  assert.equal(result.error, undefined);
  assert.equal(result.uncompressedBytes, 1000);
  assert.equal(result.bytes, undefined);
});

test('readBody: gzip inflating to the limit is read whole, one byte more fails body_too_large', async () => {
  const bytes = text(LIMIT);
  const whole = await read(body(pieces(gzipSync(bytes), 100)), { compression: 'gzip', keepBytes: true });
  assert.equal(whole.error, undefined);
  assert.equal(whole.uncompressedBytes, LIMIT);
  assert.deepEqual(whole.bytes, bytes);
  const over = await read(body(pieces(gzipSync(text(LIMIT + 1)), 100)), { compression: 'gzip' });
  assert.equal(over.error?.reason, 'body_too_large');
  assert.equal(over.uncompressedBytes, LIMIT);
});

test('readBody: a gzip bomb stops at the limit, having read only what the streams buffer ahead', async () => {
  // A limit far above what the source and the decoder buffer ahead (16 KiB each on Node 20, 64 KiB on
  // Node 24), so it is the inflated bytes that reach it.
  const limit = 1024 * 1024;
  let members = 0;
  const source = body(
    (function* () {
      for (; members < 10_000; members++) yield ZEROS_MEMBER;
    })(),
  );
  const result = await read(source, { limit, compression: 'gzip', keepBytes: true });
  assert.equal(result.error?.reason, 'body_too_large');
  assert.equal(result.uncompressedBytes, limit);
  assert.ok(members <= 200, `${members} members read`);
  assert.ok(result.wireBytes <= 200 * ZEROS_MEMBER.length, `${result.wireBytes} bytes read`);
  assert.equal(source.destroyed, true);
});

test('readBody: a broken stream, broken gzip and an aborted read fail with their reasons', async () => {
  const broken = new Readable({ read() {} });
  broken.push(text(100));
  setImmediate(() => broken.destroy(new Error('connection reset')));
  const reset = await read(broken);
  assert.equal(reset.error?.reason, 'connect_error');
  assert.equal(reset.wireBytes, 100);

  const garbage = await read(body([text(100)]), { compression: 'gzip' });
  assert.equal(garbage.error?.reason, 'protocol');

  const controller = new AbortController();
  const stalled = new Readable({ read() {} });
  stalled.push(text(100));
  setImmediate(() => controller.abort());
  const aborted = await read(stalled, { compression: 'gzip', signal: controller.signal });
  assert.equal(aborted.error?.reason, 'timeout');
  assert.equal(stalled.destroyed, true);
});

test('eachChunk: chunks come as they were pushed, never joined, even when pushed faster than taken', async () => {
  const source = new Readable({ read() {} });
  const pushed = Array.from({ length: 50 }, (_, i) => text(1000 + i));
  for (const chunk of pushed) source.push(chunk);
  source.push(null);
  const taken: Buffer[] = [];
  await eachChunk(source, new TurnPacer(LIMIT), (chunk) => void taken.push(chunk));
  assert.equal(taken.length, pushed.length);
  assert.ok(taken.every((chunk, i) => chunk === pushed[i]));
});

test('eachChunk: once a turn of work is done, the reader waits for the next turn of the event loop', async () => {
  await sleep(5); // the shared turn budget of earlier readers has run out
  const source = body(Array.from({ length: 50 }, () => Buffer.alloc(LIMIT)));
  let turnPassed = false;
  setImmediate(() => (turnPassed = true));
  const seen: boolean[] = [];
  await eachChunk(source, new TurnPacer(LIMIT), () => void seen.push(turnPassed));
  assert.equal(seen.length, 50);
  assert.deepEqual(seen.slice(0, 2), [false, false]);
  assert.equal(seen.at(-1), true);
});

test('eachChunk: what the taker throws ends the read and destroys the stream', async () => {
  const source = body(pieces(text(LIMIT)));
  await assert.rejects(
    eachChunk(source, new TurnPacer(LIMIT), () => {
      throw new Error('enough');
    }),
    /enough/,
  );
  assert.equal(source.destroyed, true);
});
