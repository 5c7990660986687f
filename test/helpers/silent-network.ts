/**
 * A host that never answers, for probes that must give up at their deadline. Loopback always
 * answers, so the script runs in a network namespace of its own (unshare, mapped to root), where
 * lo is up and SILENT_NETWORK is routed to lo: packets to SILENT_HOST leave and nothing replies.
 * Nothing outside the namespace is ever reached.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { requireBinary } from './process.js';

export const SILENT_NETWORK = '10.99.0.0/24';
export const SILENT_HOST = '10.99.0.2';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `node --import tsx script ...args` inside the namespace; resolves with its stdout, rejects with its output if it fails. */
export function runInSilentNetwork(script: string, args: string[] = [], timeoutMs = 30_000): Promise<string> {
  const unshare = requireBinary('unshare', 'util-linux');
  const ip = requireBinary('ip', 'iproute2');
  const setUp = `${ip} link set lo up && ${ip} route add ${SILENT_NETWORK} dev lo && exec "$@"`;
  const child = spawn(unshare, ['--map-root-user', '--net', 'sh', '-c', setUp, 'sh', process.execPath, '--import', 'tsx', script, ...args], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutMs,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${script} in a new network namespace ended with ${signal ?? `exit code ${String(code)}`}:\n${stdout}${stderr}`));
    });
  });
}
