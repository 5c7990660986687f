/**
 * `npm run bench:alternative`: the shipped prober CLI against what a user runs instead, Prometheus
 * scraping blackbox_exporter, for the same target list on the same nginx, at 3 s and 15 s intervals.
 * Ours is measured as in `BENCH_MODE=cli npm run bench:scheduler`; theirs is counted by Prometheus.
 *
 * Environment: BENCH_SIZES=10000 BENCH_INTERVALS=3,15 BENCH_SECONDS=60.
 */
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPrometheusBlackbox } from './lib/blackbox-stack.js';
import { compileEntry, launchFlags } from './lib/compile.js';
import { startNginx } from './lib/nginx.js';
import { runCli } from './lib/scheduler-cli.js';
import { benchTargets } from './lib/target-server.js';

const TARGET_PORTS = 16;
const fmt = (value: number, digits = 0): string => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const sizes = (process.env.BENCH_SIZES ?? '10000').split(',').map(Number);
const intervals = (process.env.BENCH_INTERVALS ?? '3,15').split(',').map(Number);
const seconds = Number(process.env.BENCH_SECONDS ?? 60);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = compileEntry(root, join(root, 'prober/cli.ts'), join(root, '.cache/platypus-bench-prober-cli'), [join(root, 'prober/scheduler/probe-worker.ts')]);
const nodeFlags = launchFlags(cli);

console.log(`the prober CLI (default flags) against Prometheus 2 + blackbox_exporter, nginx on ${TARGET_PORTS} loopback ports, ${seconds} s measured after warm-up; ${new Date().toISOString()}`);
console.log('| targets | interval | asked/s | platypus-prober: checks/s | CPU-ms/check | peak RSS | Prometheus + blackbox: successful probes/s (answered / scrapes per s) | CPU-ms/probe | RSS blackbox + Prometheus | rate ratio | RSS ratio | load |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const size of sizes) {
  for (const interval of intervals) {
    const server = await startNginx(TARGET_PORTS);
    try {
      const ours = await runCli({ cli, nodeFlags, cliFlags: [], targets: size, intervalSeconds: interval, seconds, warmUpSeconds: Math.max(3, 2 * interval), maxDrainSeconds: 30, ports: server.ports, serverPid: server.pid });
      const theirs = await runPrometheusBlackbox(benchTargets(size, server.ports), interval, seconds);
      const theirRss = theirs.blackboxRssMiB + theirs.prometheusRssMiB;
      console.log(
        `| ${fmt(size)} | ${interval} s | ${fmt(size / interval)} | ${fmt(ours.checksPerSecond)} | ${fmt(ours.cpuMsPerCheck, 2)} | ${fmt(ours.peakRssMiB)} MiB | ${fmt(theirs.probesPerSecond)} (${fmt(theirs.answeredPerSecond)} / ${fmt(theirs.scrapesPerSecond)}) | ${fmt(theirs.cpuMsPerProbe, 2)} | ${fmt(theirs.blackboxRssMiB)} + ${fmt(theirs.prometheusRssMiB)} MiB | ${fmt(ours.checksPerSecond / theirs.probesPerSecond, 1)}× | 1/${fmt(theirRss / ours.peakRssMiB, 1)} | ${fmt(loadavg()[0]!, 1)} |`,
      );
    } finally {
      server.stop();
    }
  }
}
