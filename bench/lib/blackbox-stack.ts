/**
 * What a user runs instead of the scheduler: a real Prometheus scraping a real blackbox_exporter's
 * `/probe` once per target every interval (file_sd plus the usual relabelling), measured the same
 * way as the prober: probes per second done, CPU per probe and the resident memory of both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../test/helpers/ports.js';
import { requireBinary } from '../../test/helpers/process.js';
import { cpuMs, peakRssMiB, rssMiB, stopProcess, waitUntilUp } from './proc.js';

export interface StackRun {
  targets: number;
  intervalSeconds: number;
  seconds: number;
  /** Scrapes of `/probe` Prometheus made per second (each one is a probe asked of blackbox). */
  scrapesPerSecond: number;
  /** Scrapes blackbox answered within the scrape timeout (its probe ended, by success or failure). */
  answeredPerSecond: number;
  /** Probes that ended with `probe_success 1`, per second. */
  probesPerSecond: number;
  cpuMsPerProbe: number;
  blackboxRssMiB: number;
  prometheusRssMiB: number;
  /** Highest RSS of either process at any time in the run (VmHWM), summed. */
  peakRssMiB: number;
}



async function instantQuery(prometheus: string, query: string): Promise<number> {
  const response = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await response.json()) as { data?: { result?: Array<{ value: [number, string] }> } };
  return Number(body.data?.result?.[0]?.value[1] ?? 0);
}


/**
 * Runs the pair for `urls` every `intervalSeconds`: warm-up of two intervals (at least 20 s), then
 * `seconds` measured. Probes are counted by Prometheus itself over the measured window.
 */
export async function runPrometheusBlackbox(urls: readonly string[], intervalSeconds: number, seconds: number): Promise<StackRun> {
  const dir = mkdtempSync(join(tmpdir(), 'platypus-bench-stack-'));
  const children: ChildProcess[] = [];
  try {
    const blackboxAddress = `127.0.0.1:${await freePort()}`;
    const prometheusAddress = `127.0.0.1:${await freePort()}`;
    const timeout = Math.min(intervalSeconds, 10);
    writeFileSync(join(dir, 'blackbox.yml'), JSON.stringify({ modules: { http_2xx: { prober: 'http', timeout: `${timeout}s`, http: { preferred_ip_protocol: 'ip4' } } } }));
    writeFileSync(join(dir, 'targets.json'), JSON.stringify([{ targets: urls }]));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      JSON.stringify({
        global: { scrape_interval: `${intervalSeconds}s`, scrape_timeout: `${timeout}s` },
        scrape_configs: [
          {
            job_name: 'blackbox',
            metrics_path: '/probe',
            params: { module: ['http_2xx'] },
            file_sd_configs: [{ files: [join(dir, 'targets.json')] }],
            relabel_configs: [
              { source_labels: ['__address__'], target_label: '__param_target' },
              { source_labels: ['__param_target'], target_label: 'instance' },
              { target_label: '__address__', replacement: blackboxAddress },
            ],
          },
        ],
      }),
    );
    const blackbox = spawn(requireBinary('prometheus-blackbox-exporter', 'prometheus-blackbox-exporter'), [`--config.file=${join(dir, 'blackbox.yml')}`, `--web.listen-address=${blackboxAddress}`], { stdio: 'ignore' });
    children.push(blackbox);
    await waitUntilUp(`http://${blackboxAddress}/-/healthy`, blackbox, 60_000);
    const prometheus = spawn(
      requireBinary('prometheus', 'prometheus'),
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=${prometheusAddress}`],
      { stdio: 'ignore' },
    );
    children.push(prometheus);
    const prometheusUrl = `http://${prometheusAddress}`;
    await waitUntilUp(`${prometheusUrl}/-/ready`, prometheus, 60_000);
    await sleep(Math.max(20, 2 * intervalSeconds) * 1000);

    const pids = [blackbox.pid!, prometheus.pid!];
    const cpuBefore = pids.map(cpuMs);
    const rss = [0, 0];
    const started = Date.now();
    while (Date.now() - started < seconds * 1000) {
      await sleep(1000);
      pids.forEach((pid, i) => (rss[i] = Math.max(rss[i]!, rssMiB(pid))));
    }
    const measured = (Date.now() - started) / 1000;
    const cpu = pids.reduce((sum, pid, i) => sum + cpuMs(pid) - cpuBefore[i]!, 0);
    // Let the last scrapes of the window be written before counting them.
    await sleep(Math.min(intervalSeconds, 10) * 1000);
    const window = `[${Math.round(measured)}s] offset ${Math.ceil(Math.min(intervalSeconds, 10))}s`;
    const scrapes = await instantQuery(prometheusUrl, `sum(count_over_time(up{job="blackbox"}${window}))`);
    const answered = await instantQuery(prometheusUrl, `sum(sum_over_time(up{job="blackbox"}${window}))`);
    const successes = await instantQuery(prometheusUrl, `sum(sum_over_time(probe_success{job="blackbox"}${window}))`);
    return {
      targets: urls.length,
      intervalSeconds,
      seconds: measured,
      scrapesPerSecond: scrapes / measured,
      answeredPerSecond: answered / measured,
      probesPerSecond: successes / measured,
      cpuMsPerProbe: scrapes === 0 ? Number.NaN : cpu / scrapes,
      blackboxRssMiB: rss[0]!,
      prometheusRssMiB: rss[1]!,
      peakRssMiB: pids.reduce((sum, pid) => sum + peakRssMiB(pid), 0),
    };
  } finally {
    await Promise.all(children.map(stopProcess));
    rmSync(dir, { recursive: true, force: true });
  }
}
