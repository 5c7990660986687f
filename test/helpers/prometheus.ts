import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { freePort } from './ports.js';
import { requireBinary, startProcess, waitForHttp, type RunningProcess } from './process.js';

export interface LocalPrometheus {
  url: string;
  process: RunningProcess;
}

/**
 * A real Prometheus on a free loopback port scraping `targets` (host:port) every second as
 * `job`, keeping the labels the targets expose (honor_labels), with its data under `dir`.
 */
export async function startLocalPrometheus(t: TestContext, dir: string, job: string, targets: string[]): Promise<LocalPrometheus> {
  const binary = requireBinary('prometheus', 'prometheus');
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    JSON.stringify({
      global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      scrape_configs: [{ job_name: job, honor_labels: true, static_configs: [{ targets }] }],
    }),
  );
  const address = `127.0.0.1:${await freePort()}`;
  const running = startProcess(t, binary, [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=${address}`]);
  await waitForHttp(running, `http://${address}/-/ready`, 30_000);
  return { url: `http://${address}`, process: running };
}
