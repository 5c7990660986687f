import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseExposition, sampleValue } from '../helpers/exposition.js';
import { tempDir } from '../helpers/tls.js';
import { tlsBasicAuthWebConfig } from '../helpers/web-config.js';
import { runCli, startExporter } from './exporter-process.js';
import { hostCollectors, linuxCollectors } from '../../exporter/collectors/index.js';
import { DEFAULT_NETSTAT_FIELDS } from '../../exporter/collectors/netstat.js';
import { nodeExporterCollectors, nodeExporterText, promtoolProblems } from './promtool.js';

test('a bad flag or value exits non-zero naming it', async () => {
  const unknown = await runCli(['--collector.cpuu']);
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr, "platypus-exporter: error: unknown long flag '--collector.cpuu', try --help\n");
  const badValue = await runCli(['--web.max-requests=many']);
  assert.equal(badValue.code, 1);
  assert.equal(badValue.stderr, 'platypus-exporter: error: invalid value "many" for flag --web.max-requests: expected an integer, try --help\n');
  const badRegexp = await runCli(['--collector.netdev.device-include=(']);
  assert.equal(badRegexp.code, 1);
  assert.match(badRegexp.stderr, /^platypus-exporter: error: invalid value "\(" for flag --collector.netdev.device-include: /);
  const noWorkers = await runCli(['--collector.filesystem.stat-workers=0', '--web.listen-address=127.0.0.1:0']);
  assert.equal(noWorkers.code, 1);
  assert.equal(noWorkers.stderr, 'platypus-exporter: error: invalid value "0" for flag --collector.filesystem.stat-workers: must be at least 1, try --help\n');
  const both = await runCli(['--collector.netdev.device-include=eth0', '--collector.netdev.device-exclude=lo', '--web.listen-address=127.0.0.1:0']);
  assert.equal(both.code, 1);
  assert.match(both.stderr, /netdev: device include and device exclude are mutually exclusive/);
});

test('a bad web config file stops the start with its file, line and key', async (t) => {
  const dir = tempDir(t, 'platypus-webcfg-');
  const path = join(dir, 'web.yml');
  writeFileSync(path, 'basic_auth_users:\n  alice: not-a-hash\n');
  const result = await runCli([`--web.config.file=${path}`, '--web.listen-address=127.0.0.1:0']);
  assert.equal(result.code, 1);
  assert.ok(result.stderr.endsWith(`platypus-exporter: error: ${path}:2: basic_auth_users.alice: expected a bcrypt hash ($2y$…)\n`), result.stderr);
});

test('--web.config.file: the CLI serves TLS with basic auth', async (t) => {
  const web = tlsBasicAuthWebConfig(t);
  const exporter = await startExporter(t, [`--web.config.file=${web.path}`, '--collector.disable-defaults', '--collector.loadavg'], { tls: true });
  const url = `${exporter.base}/metrics`;
  assert.deepEqual(await web.get(url), { status: 401, challenge: 'Basic', body: 'Unauthorized\n' });
  assert.equal((await web.get(url, `${web.username}:wrong`)).status, 401);
  const ok = await web.get(url, `${web.username}:${web.password}`);
  assert.equal(ok.status, 200);
  assert.ok(sampleValue(ok.body, 'node_load1') !== undefined);
});

test('--help lists every flag, one per collector, and --version prints the version', async () => {
  const help = await runCli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: platypus-exporter \[<flags>\]/);
  for (const flag of ['--web.listen-address=<addr>', '--web.telemetry-path=<path>', '--web.config.file=<path>', '--web.max-requests=<int>', '--[no-]web.disable-exporter-metrics',
    '--[no-]collector.disable-defaults', '--collector.filesystem.mount-points-exclude=<regexp>', '--collector.filesystem.fs-types-exclude=<regexp>',
    '--collector.netdev.device-include=<regexp>', '--collector.netdev.device-exclude=<regexp>', '--collector.diskstats.device-exclude=<regexp>',
    '--collector.textfile.directory=<dir>', '--path.procfs=<path>', '--path.sysfs=<path>', '--path.rootfs=<path>', '--log.level=', '--log.format=', '--version']) {
    assert.ok(help.stdout.includes(flag), flag);
  }
  for (const { name, defaultEnabled } of hostCollectors) {
    assert.match(help.stdout, new RegExp(`--\\[no-\\]collector\\.${name}\\n.*\\(default: ${defaultEnabled ? 'enabled' : 'disabled'}\\)\\n`));
  }
  assert.ok(help.stdout.includes('(default: ":9100")'));
  assert.ok(help.stdout.includes('(default: 40)'));
  assert.match(help.stdout, / {2}--collector\.filesystem\.stat-workers=<int>\n\s+Maximum number of concurrent stat calls\. \(default: 2\)\n/);
  const version = await runCli(['--version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^platypus-exporter, version \d+\.\d+\.\d+ /);
});

test('a real scrape; open file descriptors stay flat over 50 scrapes', async (t) => {
  const exporter = await startExporter(t, ['--collector.disable-defaults', '--collector.cpu', '--collector.meminfo', '--collector.loadavg', '--collector.filesystem', '--collector.filesystem.stat-workers=1']);
  const scrape = async (): Promise<string> => {
    const response = await fetch(`${exporter.base}/metrics`);
    assert.equal(response.status, 200);
    return response.text();
  };
  const first = parseExposition(await scrape());
  const collectors = first.get('node_scrape_collector_success')?.samples.map((sample) => [sample.labels.collector, sample.value]);
  assert.deepEqual(collectors, [['cpu', 1], ['filesystem', 1], ['loadavg', 1], ['meminfo', 1]]);
  assert.ok((first.get('node_cpu_seconds_total')?.samples.length ?? 0) > 0);
  assert.ok((first.get('node_memory_MemTotal_bytes')?.samples[0]?.value ?? 0) > 0);
  assert.equal(first.get('node_vmstat_oom_kill'), undefined, 'vmstat is off with --collector.disable-defaults');

  const fdDir = `/proc/${exporter.running.child.pid}/fd`;
  for (let i = 0; i < 5; i++) await scrape();
  const before = readdirSync(fdDir).length;
  let reported = 0;
  for (let i = 0; i < 50; i++) reported = sampleValue(await scrape(), 'process_open_fds') ?? -1;
  const after = readdirSync(fdDir).length;
  assert.ok(Math.abs(after - before) <= 1, `fds before ${before}, after ${after}`);
  assert.ok(Math.abs(reported - after) <= 2, `process_open_fds ${reported} vs /proc ${after}`);

  const exited = new Promise<number | null>((resolve) => exporter.running.child.once('exit', (code) => resolve(code)));
  exporter.running.child.kill('SIGTERM');
  assert.equal(await exited, 0, 'SIGTERM is a clean stop');
  assert.match(exporter.running.output(), /msg="Shutting down" signal=SIGTERM/);
});

test('promtool check metrics: clean but for exactly what it says of node_exporter\'s same families on this host', async (t) => {
  const ours = await startExporter(t, []);
  // node_exporter with our default collectors (Debian's build would add systemd) and 1.10's netstat fields.
  const known = nodeExporterCollectors();
  const theirs = await nodeExporterText(t, [
    '--collector.disable-defaults',
    ...linuxCollectors.filter((definition) => definition.defaultEnabled && known.has(definition.name)).map((definition) => `--collector.${definition.name}`),
    `--collector.netstat.fields=${DEFAULT_NETSTAT_FIELDS.source}`,
  ]);
  // The allow-list: node_exporter's own camelCase meminfo and netstat names, entropy in bits.
  const allowed = new Set(await promtoolProblems(theirs));
  assert.ok([...allowed].every((line) => /^node_(memory|netstat|entropy)_/.test(line)), [...allowed].join('\n'));
  const problems = await promtoolProblems(await (await fetch(`${ours.base}/metrics`)).text());
  assert.deepEqual(problems.filter((line) => !allowed.has(line)), []);
  assert.ok(problems.length > 0 && problems.length === new Set(problems).size);
});
