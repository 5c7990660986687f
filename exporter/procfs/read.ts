/**
 * Reading files whose stat size is 0 or wrong, as procfs's ReadFileNoStat does, with a size cap.
 *
 * /proc and /sys files are generated in memory by the kernel, so they are read synchronously:
 * measured here, an async read costs ~130 µs of CPU (four thread-pool round trips and their
 * promises) against ~20 µs for open/read/close in place, and a scrape reads about fifteen of them.
 * Files on real filesystems (textfiles, os-release) use the async `readTextFile`.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

const DEFAULT_READ_LIMIT = 1024 * 1024;

// Safe to share: each synchronous read finishes before any other code runs.
let shared = Buffer.allocUnsafe(64 * 1024);

function tooLarge(path: string, limit: number): Error {
  return new Error(`${path}: larger than the ${limit}-byte read limit`);
}

/** The whole pseudo-file as UTF-8 text; throws, naming the file, when it is larger than `limit` bytes. */
export function readProcFile(path: string, limit = DEFAULT_READ_LIMIT): string {
  const fd = openSync(path, 'r');
  try {
    let length = 0;
    for (;;) {
      if (length === shared.length) {
        if (length > limit) throw tooLarge(path, limit);
        const bigger = Buffer.allocUnsafe(Math.min(shared.length * 4, limit + 1));
        shared.copy(bigger, 0, 0, length);
        shared = bigger;
      }
      const bytesRead = readSync(fd, shared, length, shared.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > limit) throw tooLarge(path, limit);
    return shared.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

/** Like `readProcFile`, but `undefined` when the file does not exist. */
export function readOptionalProcFile(path: string, limit = DEFAULT_READ_LIMIT): string | undefined {
  try {
    return readProcFile(path, limit);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A regular file read without blocking the event loop, capped at `limit` bytes. */
export async function readTextFile(path: string, limit = DEFAULT_READ_LIMIT): Promise<string> {
  const handle = await open(path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(Math.min(64 * 1024, limit + 1));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > limit) throw tooLarge(path, limit);
        const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 4, limit + 1));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > limit) throw tooLarge(path, limit);
    return buffer.toString('utf8', 0, length);
  } finally {
    await handle.close();
  }
}

/** Like `readTextFile`, but `undefined` when the file does not exist. */
export async function readOptionalTextFile(path: string, limit = DEFAULT_READ_LIMIT): Promise<string | undefined> {
  try {
    return await readTextFile(path, limit);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
