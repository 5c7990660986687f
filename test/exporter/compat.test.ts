/**
 * Side by side with Debian's real node_exporter 1.5 on this host, both with the same explicit
 * collector list: same families, types and label names; equal values where they do not move.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelNames, parseExposition, type Family } from '../helpers/exposition.js';
import { freePort } from '../helpers/ports.js';
import { requireBinary, startProcess, waitForHttp } from '../helpers/process.js';
import { startExporter } from './exporter-process.js';

const COLLECTORS = ['cpu', 'diskstats', 'filesystem', 'loadavg', 'meminfo', 'netdev', 'os', 'pressure', 'stat', 'time', 'uname', 'vmstat'];
const FLAGS = ['--collector.disable-defaults', ...COLLECTORS.map((name) => `--collector.${name}`)];

/** node_exporter families we do not have, and why. */
const EXCEPTIONS = new Map([
  ['node_exporter_build_info', 'describes the Go build of node_exporter (goversion, revision); it is not a host metric'],
]);

function value(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const sample = families.get(name)?.samples.find((each) => Object.entries(labels).every(([key, wanted]) => each.labels[key] === wanted));
  assert.ok(sample !== undefined, `${name}${JSON.stringify(labels)} present`);
  return sample.value;
}

test('same families, types and label names as node_exporter 1.5; equal values where they do not move', async (t) => {
  const binary = requireBinary('prometheus-node-exporter', 'prometheus-node-exporter');
  const port = await freePort();
  const theirs = startProcess(t, binary, [`--web.listen-address=127.0.0.1:${port}`, ...FLAGS]);
  const ours = await startExporter(t, FLAGS);
  await waitForHttp(theirs, `http://127.0.0.1:${port}/metrics`);

  // Scraped together, so counters have moved as little as possible between the two.
  const [theirText, ourText] = await Promise.all([
    fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text()),
    fetch(`${ours.base}/metrics`).then((response) => response.text()),
  ]);
  const them = parseExposition(theirText);
  const us = parseExposition(ourText);

  const problems: string[] = [];
  for (const [name, family] of them) {
    if (!name.startsWith('node_') || EXCEPTIONS.has(name)) continue;
    const mine = us.get(name);
    if (mine === undefined) problems.push(`${name}: missing`);
    else if (mine.type !== family.type) problems.push(`${name}: type ${mine.type}, node_exporter ${family.type}`);
    else if (labelNames(mine).join() !== labelNames(family).join()) problems.push(`${name}: labels ${labelNames(mine).join()}, node_exporter ${labelNames(family).join()}`);
  }
  assert.deepEqual(problems, []);
  for (const name of COLLECTORS) assert.equal(value(us, 'node_scrape_collector_success', { collector: name }), 1, name);

  // Values that do not move.
  for (const name of ['node_memory_MemTotal_bytes', 'node_memory_SwapTotal_bytes', 'node_boot_time_seconds']) {
    assert.equal(value(us, name), value(them, name), name);
  }
  for (const sample of them.get('node_filesystem_size_bytes')?.samples ?? []) {
    assert.equal(value(us, 'node_filesystem_size_bytes', sample.labels), sample.value, `size of ${sample.labels.mountpoint}`);
  }
  assert.deepEqual(us.get('node_uname_info')?.samples, them.get('node_uname_info')?.samples);
  assert.deepEqual(us.get('node_os_info')?.samples, them.get('node_os_info')?.samples);
  assert.equal(us.get('node_cpu_seconds_total')?.samples.length, them.get('node_cpu_seconds_total')?.samples.length);
  assert.deepEqual(
    us.get('node_network_receive_bytes_total')?.samples.map((sample) => sample.labels.device).sort(),
    them.get('node_network_receive_bytes_total')?.samples.map((sample) => sample.labels.device).sort(),
  );

  // Counters: within a small tolerance (the two scrapes are a few milliseconds apart).
  for (const sample of them.get('node_cpu_seconds_total')?.samples ?? []) {
    const ourValue = value(us, 'node_cpu_seconds_total', sample.labels);
    assert.ok(Math.abs(ourValue - sample.value) <= 1 + sample.value * 0.001, `cpu ${JSON.stringify(sample.labels)}: ${ourValue} vs ${sample.value}`);
  }
  for (const name of ['node_intr_total', 'node_context_switches_total', 'node_forks_total']) {
    const theirValue = value(them, name);
    assert.ok(Math.abs(value(us, name) - theirValue) <= theirValue * 0.01 + 1000, name);
  }
  for (const sample of them.get('node_disk_reads_completed_total')?.samples ?? []) {
    assert.ok(Math.abs(value(us, 'node_disk_reads_completed_total', sample.labels) - sample.value) <= sample.value * 0.01 + 100, sample.labels.device);
  }
});
