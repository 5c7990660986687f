/** The benches' HTTP targets: one child process listening on a few loopback ports, "ok" for every path. */
import { spawn } from 'node:child_process';
import type { SchedulerConfig } from '../../prober/scheduler/config-section.js';

const source = (ports: number): string => `
const http = require('node:http');
const ports = [];
let open = ${ports};
for (let i = 0; i < ${ports}; i++) {
  const server = http.createServer((req, res) => { res.setHeader('content-type', 'text/plain'); res.end('ok'); });
  server.keepAliveTimeout = 600000;
  server.listen(0, '127.0.0.1', () => { ports.push(server.address().port); if (--open === 0) console.log(JSON.stringify(ports)); });
}
`;

export interface TargetServers {
  ports: number[];
  pid: number;
  stop(): void;
}

/** Starts the target process; its own CPU and memory stay out of the bench process's figures. */
export async function startTargetServers(count: number): Promise<TargetServers> {
  const child = spawn(process.execPath, ['-e', source(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const ports = await new Promise<number[]>((resolve, reject) => {
      child.stdout.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString()) as number[]));
      child.once('exit', (code) => reject(new Error(`target server exited with ${code}`)));
    });
    return { ports, pid: child.pid!, stop: () => child.kill('SIGTERM') };
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
}

/** `count` distinct URLs spread over `ports` on 127.0.0.1. */
export function benchTargets(count: number, ports: readonly number[]): string[] {
  return Array.from({ length: count }, (_, i) => `http://127.0.0.1:${ports[i % ports.length]!}/t/${i}`);
}

/** One scheduler group of `targets` http_2xx checks every `interval` seconds, spread over `ports`, no retries. */
export function benchSchedulerConfig(targets: number, interval: number, ports: readonly number[], maxConcurrentChecks: number): SchedulerConfig {
  return {
    max_concurrent_checks: maxConcurrentChecks,
    file_sd_refresh_interval: 300,
    groups: [
      {
        name: 'bench',
        module: 'http_2xx',
        interval,
        timeout: Math.min(interval, 5),
        retries: 0,
        retry_interval: 1,
        labels: { env: 'bench' },
        targets: benchTargets(targets, ports),
        file_sd: [],
      },
    ],
  };
}
