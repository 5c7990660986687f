/**
 * Reads a file that users point at (file_sd lists, …) without letting what sits at the path hang
 * the program: the file is opened non-blocking, so a FIFO with no writer cannot block the open,
 * anything but a regular file is refused, and the read is bounded in time (a hung network mount)
 * and in size (a file larger than the caller's bound is not read at all).
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { raceAbort } from './abort.js';

export class NotRegularFileError extends Error {
  constructor(readonly path: string) {
    super(`${path} is not a regular file`);
    this.name = 'NotRegularFileError';
  }
}

export async function readRegularFile(path: string, { timeoutMs, maxBytes }: { timeoutMs: number; maxBytes: number }): Promise<{ text: string; ino: number; size: number; mtimeMs: number }> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  let reading: Promise<unknown> = Promise.resolve();
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new NotRegularFileError(path);
    if (info.size > maxBytes) throw new Error(`${path}: ${info.size} bytes, more than the ${maxBytes} it may have`);
    const read = handle.readFile('utf8');
    reading = read;
    const text = await raceAbort(read, AbortSignal.timeout(timeoutMs));
    return { text, ino: info.ino, size: info.size, mtimeMs: info.mtimeMs };
  } finally {
    // A read that timed out still owns the handle: close it once that read ends.
    void reading.catch(() => undefined).finally(() => handle.close().catch(() => undefined));
  }
}
