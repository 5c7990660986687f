/** Garbage collection on demand and the open file descriptor count, for tests that check a process keeps nothing behind. */
import { readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
export const gc = runInNewContext('gc') as () => void;

export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}
