/**
 * `npm start`: the exporter (:9100) and the prober (:9115) side by side on built-in defaults.
 * Each runs in its own process (the exporter stays small); arguments after `--` go to both.
 * A signal stops both; if one exits, the other is stopped too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { shebangNodeFlags } from '../common/node-flags.js';

const programs = ['../exporter/cli.js', '../prober/cli.js'].map((path) => fileURLToPath(new URL(path, import.meta.url)));
const children: ChildProcess[] = programs.map((program) => spawn(process.execPath, [...shebangNodeFlags(program), program, ...process.argv.slice(2)], { stdio: 'inherit' }));

let exitCode = 0;
function stopAll(signal: NodeJS.Signals): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}
for (const child of children) {
  child.on('exit', (code) => {
    if (code !== null && code !== 0) exitCode = code;
    stopAll('SIGTERM');
    if (children.every((each) => each.exitCode !== null || each.signalCode !== null)) process.exit(exitCode);
  });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stopAll(signal));
