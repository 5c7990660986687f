/** Reads pseudo-files whose stat size is 0 or wrong, as procfs's ReadFileNoStat does, with a size cap. */
import { open } from 'node:fs/promises';

export const DEFAULT_READ_LIMIT = 1024 * 1024;
const FIRST_CHUNK = 16 * 1024;

/** The whole file as UTF-8 text; rejects, naming the file, when it is larger than `limit` bytes. */
export async function readProcFile(path: string, limit = DEFAULT_READ_LIMIT): Promise<string> {
  const handle = await open(path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(Math.min(FIRST_CHUNK, limit + 1));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > limit) throw new Error(`${path}: larger than the ${limit}-byte read limit`);
        const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 4, limit + 1));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > limit) throw new Error(`${path}: larger than the ${limit}-byte read limit`);
    return buffer.toString('utf8', 0, length);
  } finally {
    await handle.close();
  }
}

/** Like `readProcFile`, but `undefined` when the file does not exist. */
export async function readOptionalProcFile(path: string, limit = DEFAULT_READ_LIMIT): Promise<string | undefined> {
  try {
    return await readProcFile(path, limit);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
