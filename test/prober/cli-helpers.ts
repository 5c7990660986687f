/** Runs the real `platypus-prober` (prober/cli.ts under tsx) for the CLI, reload and compatibility tests. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { freePort } from '../helpers/ports.js';
import { startProcess, waitForHttp, type RunningProcess } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';

const CLI = fileURLToPath(new URL('../../prober/cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function runCliSync(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface RunningProber extends RunningProcess {
  url: string;
}

export interface StartProberOptions {
  /**
   * Serve over HTTPS (a --web.config.file with TLS): readiness is polled with this GET, which
   * must trust the server's certificate; any status below 500 (401 included) means it is up.
   */
  httpsGet?: (url: string) => Promise<{ status: number }>;
}

export async function startProber(t: TestContext, args: string[], { httpsGet }: StartProberOptions = {}): Promise<RunningProber> {
  const port = await freePort();
  const running = startProcess(t, process.execPath, ['--import', 'tsx', CLI, `--web.listen-address=127.0.0.1:${port}`, ...args], { cwd: ROOT });
  if (httpsGet === undefined) {
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(running, `${url}/-/healthy`);
    return { ...running, url };
  }
  const url = `https://127.0.0.1:${port}`;
  await waitFor(`${url}/-/healthy to answer over TLS`, async () => {
    if (running.child.exitCode !== null) throw new Error(`prober exited with ${running.child.exitCode}:\n${running.output()}`);
    const answer = await httpsGet(`${url}/-/healthy`).catch(() => undefined);
    return answer !== undefined && answer.status < 500;
  }, { timeoutMs: 20_000 });
  return { ...running, url };
}
