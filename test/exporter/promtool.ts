/** `promtool check metrics`, and the allow-list it gives for node_exporter's own exposition. */
import { execFile, execFileSync } from 'node:child_process';
import type { TestContext } from 'node:test';
import { freePort } from '../helpers/ports.js';
import { requireBinary, startProcess, waitForHttp } from '../helpers/process.js';
import { ROOT } from './exporter-process.js';

/** promtool's complaints about an exposition, one per line. */
export function promtoolProblems(text: string): Promise<string[]> {
  const promtool = requireBinary('promtool', 'prometheus');
  return new Promise((resolve) => {
    const child = execFile(promtool, ['check', 'metrics'], { encoding: 'utf8' }, (_error, stdout, stderr) =>
      resolve(`${stdout}${stderr}`.split('\n').filter((line) => line.trim() !== '')),
    );
    child.stdin?.end(text);
  });
}

/** Debian's node_exporter started with `args` (cwd: the repository root) and `env` added to ours, scraped once. */
export async function nodeExporterText(t: TestContext, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const binary = requireBinary('prometheus-node-exporter', 'prometheus-node-exporter');
  const port = await freePort();
  const running = startProcess(t, binary, [`--web.listen-address=127.0.0.1:${port}`, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
  await waitForHttp(running, `http://127.0.0.1:${port}/metrics`);
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

/** The collectors Debian's node_exporter knows, from its --help (`--collector.NAME  Enable the NAME collector`). */
export function nodeExporterCollectors(): Set<string> {
  const binary = requireBinary('prometheus-node-exporter', 'prometheus-node-exporter');
  const help = execFileSync(binary, ['--help'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return new Set([...help.matchAll(/--collector\.([a-z_]+)\s+Enable the \1 collector/g)].map((match) => match[1] as string));
}
