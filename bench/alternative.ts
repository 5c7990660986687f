/**
 * `npm run bench:alternative`: Prometheus scraping blackbox_exporter for the same target list the
 * scheduler bench uses, at 3 s and 15 s intervals: what a user runs instead of the scheduler.
 *
 * Environment: BENCH_SIZES=10000 BENCH_INTERVALS=3,15 BENCH_SECONDS=60.
 */
import { loadavg } from 'node:os';
import { runPrometheusBlackbox } from './lib/blackbox-stack.js';
import { startTargetServers } from './lib/target-server.js';

const TARGET_PORTS = 16;
const fmt = (value: number, digits = 0): string => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const sizes = (process.env.BENCH_SIZES ?? '10000').split(',').map(Number);
const intervals = (process.env.BENCH_INTERVALS ?? '3,15').split(',').map(Number);
const seconds = Number(process.env.BENCH_SECONDS ?? 60);

console.log('| targets | interval | probes/s asked | scrapes/s | successful probes/s | CPU-ms/probe | RSS blackbox + Prometheus | peak RSS | load |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
const servers = await startTargetServers(TARGET_PORTS);
try {
  for (const size of sizes) {
    const urls = Array.from({ length: size }, (_, i) => `http://127.0.0.1:${servers.ports[i % TARGET_PORTS]!}/t/${i}`);
    for (const interval of intervals) {
      const r = await runPrometheusBlackbox(urls, interval, seconds);
      console.log(
        `| ${fmt(size)} | ${interval} s | ${fmt(size / interval)} | ${fmt(r.scrapesPerSecond)} | ${fmt(r.probesPerSecond)} | ${fmt(r.cpuMsPerProbe, 2)} | ${fmt(r.blackboxRssMiB)} + ${fmt(r.prometheusRssMiB)} MiB | ${fmt(r.peakRssMiB)} MiB | ${fmt(loadavg()[0]!, 1)} |`,
      );
    }
  }
} finally {
  servers.stop();
}
