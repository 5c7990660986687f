/** /proc/sys/fs/file-nr: allocated file handles, free allocated handles (always 0 since Linux 2.6), maximum. */
import { decimal, fieldsOf } from './fields.js';

export interface FileNr {
  allocated: number;
  maximum: number;
}

export function parseFileNr(text: string, source = '/proc/sys/fs/file-nr'): FileNr {
  const fields = fieldsOf(text);
  if (fields.length < 3) throw new Error(`${source}: expected 3 numbers, got ${JSON.stringify(text.trim())}`);
  return { allocated: decimal(fields[0], source), maximum: decimal(fields[2], source) };
}
