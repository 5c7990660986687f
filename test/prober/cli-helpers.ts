/** Runs the real `platypus-prober` (prober/cli.ts under tsx) for the CLI, reload and compatibility tests. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { freePort } from '../helpers/ports.js';
import { startProcess, waitForHttp, type RunningProcess } from '../helpers/process.js';

export const CLI = fileURLToPath(new URL('../../prober/cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function runCliSync(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface RunningProber extends RunningProcess {
  url: string;
}

export async function startProber(t: TestContext, args: string[]): Promise<RunningProber> {
  const port = await freePort();
  const running = startProcess(t, process.execPath, ['--import', 'tsx', CLI, `--web.listen-address=127.0.0.1:${port}`, ...args], { cwd: ROOT });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(running, `${url}/-/healthy`);
  return { ...running, url };
}
