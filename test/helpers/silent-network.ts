/**
 * A host that never answers, for probes that must give up at their deadline. Loopback always
 * answers, so the script runs in a network namespace of its own (unshare, mapped to root), where
 * lo is up and SILENT_NETWORK is routed to lo: packets to SILENT_HOST leave and nothing replies.
 * Nothing outside the namespace is ever reached.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { requireBinary } from './process.js';

const SILENT_NETWORK = '10.99.0.0/24';
export const SILENT_HOST = '10.99.0.2';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** Runs `node --import tsx script ...args` inside the namespace and resolves with its stdout; fails with its output. */
export async function runInSilentNetwork(script: string, args: string[] = [], timeoutMs = 30_000): Promise<string> {
  const unshare = requireBinary('unshare', 'util-linux');
  const ip = requireBinary('ip', 'iproute2');
  const setUp = `${ip} link set lo up && ${ip} route add ${SILENT_NETWORK} dev lo && exec "$@"`;
  const command = ['--map-root-user', '--net', 'sh', '-c', setUp, 'sh', process.execPath, '--import', 'tsx', script, ...args];
  try {
    const { stdout } = await run(unshare, command, { cwd: PROJECT_ROOT, timeout: timeoutMs, encoding: 'utf8' });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${script} in a new network namespace failed: ${(error as Error).message}\n${stdout}${stderr}`, { cause: error });
  }
}
