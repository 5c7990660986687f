/** Compiles a TypeScript entry point (and what it imports) once, so measured processes run without tsx (which adds ~25 MiB RSS). */
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { shebangNodeFlags } from '../../common/node-flags.js';

/**
 * Returns the compiled `.js` path under `outDir` (node_modules/.cache/…, so packages still resolve).
 * `alsoCompile`: modules started by URL rather than imported (worker scripts).
 */
export function compileEntry(root: string, entry: string, outDir: string, alsoCompile: readonly string[] = []): string {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const options = ['--outDir', outDir, '--rootDir', root, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node', '--strict'];
  const result = spawnSync(process.execPath, [tsc, ...options, entry, ...alsoCompile], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`compiling ${entry} failed:\n${result.stdout}${result.stderr}`);
  return join(outDir, relative(root, entry)).replace(/\.ts$/, '.js');
}

/** The Node flags to run a compiled CLI with: its shebang's, unless BENCH_NODE_FLAGS names others to try. */
export function launchFlags(cli: string): string[] {
  const override = process.env.BENCH_NODE_FLAGS;
  return override === undefined ? shebangNodeFlags(cli) : override.split(' ').filter((flag) => flag !== '');
}
