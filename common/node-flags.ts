/**
 * The Node flags a program's `#!/usr/bin/env -S node …` line asks for (e.g. V8 heap bounds), so a
 * launcher that starts it as `node program.js` (npm start, benchmarks) runs it as the shebang would.
 */
import { readFileSync } from 'node:fs';

export function shebangNodeFlags(programPath: string): string[] {
  const firstLine = readFileSync(programPath, 'utf8').split('\n', 1)[0]!;
  const match = /^#!\/usr\/bin\/env -S node\s+(.*)$/.exec(firstLine);
  return match === null ? [] : match[1]!.split(/\s+/).filter((flag) => flag !== '');
}
