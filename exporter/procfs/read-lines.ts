/**
 * Reading a pseudo-file of one record per line in pieces, for files that grow with the host's
 * workload (/proc/net/udp has a line per socket): memory stays bounded whatever their size.
 */
import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK_BYTES = 64 * 1024;

/** Calls `onLines` with runs of whole lines (each run ends with a newline or the end of file) and the number of its first line. */
export function readProcFileByLines(path: string, onLines: (text: string, firstLine: number) => void): void {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let carry = '';
    let nextLine = 1;
    for (;;) {
      const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      const text = carry + buffer.toString('latin1', 0, bytesRead);
      const end = text.lastIndexOf('\n') + 1;
      carry = text.slice(end);
      if (end === 0) continue;
      const whole = text.slice(0, end);
      onLines(whole, nextLine);
      nextLine += whole.split('\n').length - 1;
    }
    if (carry !== '') onLines(carry, nextLine);
  } finally {
    closeSync(fd);
  }
}
