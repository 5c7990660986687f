import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { TestContext } from 'node:test';
import { waitFor } from './wait.js';

/** Fails (never skips) when a real program the test needs is missing, naming its Debian package. */
export function requireBinary(binary: string, debianPackage: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') {
    throw new Error(`${binary} not found: install the Debian package ${debianPackage} (apt-get install ${debianPackage})`);
  }
  return path;
}

export interface RunningProcess {
  child: ChildProcess;
  /** Everything the process wrote so far, stdout and stderr interleaved. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts a real process, stopped with SIGTERM (then SIGKILL) when the test ends. */
export function startProcess(
  t: TestContext,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): RunningProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  };
  t.after(stop);
  return { child, output: () => output, stop };
}

/** Waits until `url` answers with a status below 500 (any body), or the process dies. */
export async function waitForHttp(running: RunningProcess, url: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(`${url} to answer`, async () => {
    if (running.child.exitCode !== null) {
      throw new Error(`process exited with ${running.child.exitCode}:\n${running.output()}`);
    }
    const response = await fetch(url).catch(() => undefined);
    await response?.body?.cancel();
    return response !== undefined && response.status < 500;
  }, { timeoutMs });
}
