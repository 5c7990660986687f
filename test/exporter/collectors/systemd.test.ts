/**
 * The systemd collector against a real dbus-daemon (started per test) and a stand-in for systemd on it
 * that answers from fixture units: the exact exposition, the flags, and a bus that is absent, silent,
 * restarted or answers with too much.
 */
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Message, type MessageBus } from '@jellybrick/dbus-next';
import { createLogger } from '../../../common/logging.js';
import { MetricFamilies, renderText } from '../../../common/metrics.js';
import { systemdCollector } from '../../../exporter/collectors/systemd.js';
import { timeCollector } from '../../../exporter/collectors/time.js';
import { HostScraper } from '../../../exporter/scrape.js';
import { flagDefaults, type Collector, type OptionsOf } from '../../../exporter/types.js';
import { startDbusDaemon, startFakeSystemd, type FixtureUnit } from '../../helpers/dbus.js';
import { requireBinary, startProcess } from '../../helpers/process.js';
import { waitFor } from '../../helpers/wait.js';
import { MANAGER, UNITS } from './systemd-units.js';
import { fixturePaths } from './fixture.js';

type Options = OptionsOf<typeof systemdCollector>;

const EXPECTED_DEFAULT = `# HELP node_systemd_socket_accepted_connections_total Total number of accepted socket connections
# TYPE node_systemd_socket_accepted_connections_total counter
node_systemd_socket_accepted_connections_total{name="nginx.socket"} 42
node_systemd_socket_accepted_connections_total{name="old.socket"} 7
# HELP node_systemd_socket_current_connections Current number of socket connections
# TYPE node_systemd_socket_current_connections gauge
node_systemd_socket_current_connections{name="nginx.socket"} 1
node_systemd_socket_current_connections{name="old.socket"} 0
# HELP node_systemd_socket_refused_connections_total Total number of refused socket connections
# TYPE node_systemd_socket_refused_connections_total gauge
node_systemd_socket_refused_connections_total{name="nginx.socket"} 3
# HELP node_systemd_system_running Whether the system is operational (see 'systemctl is-system-running')
# TYPE node_systemd_system_running gauge
node_systemd_system_running 0
# HELP node_systemd_timer_last_trigger_seconds Seconds since epoch of last trigger.
# TYPE node_systemd_timer_last_trigger_seconds gauge
node_systemd_timer_last_trigger_seconds{name="logrotate.timer"} 1700000100.5
# HELP node_systemd_unit_state Systemd unit
# TYPE node_systemd_unit_state gauge
${unitStates([
  ['cron.service', 'failed', 'simple'],
  ['legacy.service', 'deactivating', 'forking'],
  ['logrotate.timer', 'active', ''],
  ['multi-user.target', 'active', ''],
  ['nginx.socket', 'active', ''],
  ['old.socket', 'inactive', ''],
  ['reload.service', 'reloading', 'notify-reload'],
  ['ssh.service', 'active', 'notify'],
  ['systemd-fsck@dev-disk-by\\\\x2duuid-AB12:3.service', 'activating', 'oneshot'],
])}
# HELP node_systemd_units Summary of systemd unit states
# TYPE node_systemd_units gauge
node_systemd_units{state="activating"} 1
node_systemd_units{state="active"} 6
node_systemd_units{state="deactivating"} 1
node_systemd_units{state="failed"} 1
node_systemd_units{state="inactive"} 2
node_systemd_units{state="reloading"} 1
# HELP node_systemd_version Detected systemd version
# TYPE node_systemd_version gauge
node_systemd_version{version="255.4-1"} 255.4
# HELP node_systemd_virtualization_info Detected virtualization technology
# TYPE node_systemd_virtualization_info gauge
node_systemd_virtualization_info{virtualization_type="kvm"} 1
`;

function unitStates(rows: [name: string, state: string, type: string][]): string {
  return rows
    .flatMap(([name, active, type]) =>
      ['activating', 'active', 'deactivating', 'failed', 'inactive'].map(
        (state) => `node_systemd_unit_state{name="${name}",state="${state}",type="${type}"} ${state === active ? 1 : 0}`,
      ),
    )
    .join('\n');
}

function create(options: Partial<Options> = {}): Collector {
  return systemdCollector.create({ paths: fixturePaths, logger: createLogger({ level: 'error', destination: { write: () => true } as unknown as NodeJS.WritableStream }), options: { ...flagDefaults(systemdCollector.flags), ...options } });
}

/** One scrape of the collector alone, families sorted by name as the scraper sorts them. */
async function render(collector: Collector, signal = AbortSignal.timeout(10_000)): Promise<string> {
  const families = new MetricFamilies();
  await collector.update(families, signal);
  return renderText([...families.families()].sort((a, b) => (a.desc.name < b.desc.name ? -1 : 1)));
}

async function fixtureBus(t: TestContext, manager = MANAGER, units = UNITS) {
  const daemon = await startDbusDaemon(t);
  const service = await startFakeSystemd(t, daemon.address, { units, manager });
  return { daemon, service };
}

/** A scraper with the systemd collector and one other, logging to `lines`. */
function scraper(options: Partial<Options>, lines: string[], collectorTimeoutMs = 9_000): HostScraper {
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream });
  return new HostScraper({
    collectors: [systemdCollector, timeCollector],
    enable: ['systemd', 'time'],
    disableDefaults: true,
    paths: fixturePaths,
    collectorOptions: { systemd: { ...flagDefaults(systemdCollector.flags), ...options } } as never,
    collectorTimeoutMs,
    logger,
  });
}

/** The unique names of the connections on the bus other than `bus`'s own. */
async function otherConnections(bus: MessageBus): Promise<string[]> {
  const reply = await bus.call(
    new Message({ destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'ListNames' }),
  );
  return (reply?.body[0] as string[]).filter((name) => name.startsWith(':') && name !== bus.name);
}

function samples(families: Awaited<ReturnType<HostScraper['scrape']>>, name: string): string[] {
  const family = families.find((f) => f.desc.name === name);
  return (family?.samples ?? []).map((sample) => `${sample.labelValues.join(',')}=${sample.value}`);
}

test('systemd renders the fixture units exactly as node_exporter does, with the default flags', async (t) => {
  const { daemon } = await fixtureBus(t);
  assert.equal(await render(create({ busAddress: daemon.address })), EXPECTED_DEFAULT);
});

test('systemd adds restarts, tasks and start times with their flags, leaving out what systemd reports as unset', async (t) => {
  const { daemon } = await fixtureBus(t);
  const text = await render(create({ busAddress: daemon.address, restartsMetrics: true, taskMetrics: true, startTimeMetrics: true }));
  const section = (name: string) => text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`# TYPE ${name} `)).join('\n');
  assert.equal(
    section('node_systemd_service_restart_total'),
    `# TYPE node_systemd_service_restart_total counter
node_systemd_service_restart_total{name="cron.service"} 0
node_systemd_service_restart_total{name="ssh.service"} 2
node_systemd_service_restart_total{name="systemd-fsck@dev-disk-by\\\\x2duuid-AB12:3.service"} 1`,
  );
  assert.equal(section('node_systemd_unit_tasks_current'), '# TYPE node_systemd_unit_tasks_current gauge\nnode_systemd_unit_tasks_current{name="ssh.service"} 3');
  assert.equal(section('node_systemd_unit_tasks_max'), '# TYPE node_systemd_unit_tasks_max gauge\nnode_systemd_unit_tasks_max{name="ssh.service"} 4915');
  // Inactive units report 0; an active unit without the timestamp is left out.
  assert.equal(
    section('node_systemd_unit_start_time_seconds'),
    `# TYPE node_systemd_unit_start_time_seconds gauge
node_systemd_unit_start_time_seconds{name="cron.service"} 0
node_systemd_unit_start_time_seconds{name="legacy.service"} 0
node_systemd_unit_start_time_seconds{name="logrotate.timer"} 1690000000
node_systemd_unit_start_time_seconds{name="multi-user.target"} 1690000001
node_systemd_unit_start_time_seconds{name="old.socket"} 0
node_systemd_unit_start_time_seconds{name="reload.service"} 0
node_systemd_unit_start_time_seconds{name="ssh.service"} 1700000000.123456
node_systemd_unit_start_time_seconds{name="systemd-fsck@dev-disk-by\\\\x2duuid-AB12:3.service"} 0`,
  );
  // Everything the default flags give is still there.
  for (const line of EXPECTED_DEFAULT.split('\n')) assert.ok(text.includes(line), line);
});

test('systemd unit-include and unit-exclude both match whole names and both apply; node_systemd_units counts every unit', async (t) => {
  const { daemon } = await fixtureBus(t);
  const text = await render(create({ busAddress: daemon.address, unitInclude: '.+\\.(service|mount)', unitExclude: 'ssh|cron\\.service' }));
  const listed = new Set([...text.matchAll(/^node_systemd_unit_state\{name="([^"]+)"/gm)].map((match) => match[1]));
  // "ssh" does not match the whole of ssh.service; home.mount is in once the exclude no longer names mounts.
  assert.deepEqual([...listed].sort(), ['home.mount', 'legacy.service', 'reload.service', 'ssh.service', 'systemd-fsck@dev-disk-by\\\\x2duuid-AB12:3.service']);
  assert.match(text, /^node_systemd_unit_state\{name="home.mount",state="active",type="ext4"\} 1$/m);
  assert.match(text, /^node_systemd_units\{state="active"\} 6$/m);
  assert.doesNotMatch(text, /node_systemd_socket_/);
});

test('systemd before 212 reports no timers and no system state; an empty Virtualization is "none"', async (t) => {
  const { daemon } = await fixtureBus(t, { Version: ['s', '211'], Virtualization: ['s', ''], SystemState: ['s', 'running'] });
  const text = await render(create({ busAddress: daemon.address }));
  assert.match(text, /^node_systemd_version\{version="211"\} 211$/m);
  assert.match(text, /^node_systemd_virtualization_info\{virtualization_type="none"\} 1$/m);
  assert.doesNotMatch(text, /node_systemd_timer_last_trigger_seconds|node_systemd_system_running/);
  assert.match(text, /^node_systemd_socket_accepted_connections_total\{name="nginx.socket"\} 42$/m);
});

test('systemd running reports node_systemd_system_running 1; a Version without a number gives 0 and an empty label', async (t) => {
  const { daemon } = await fixtureBus(t, { Version: ['s', 'v2x'], SystemState: ['s', 'running'] }, [UNITS[0] as FixtureUnit]);
  const text = await render(create({ busAddress: daemon.address }));
  assert.match(text, /^node_systemd_version\{version=""\} 0$/m);
  // Without a version, node_exporter asks for neither timers nor the system state.
  assert.doesNotMatch(text, /node_systemd_system_running/);
  assert.match(text, /^node_systemd_virtualization_info\{virtualization_type="unknown"\} 1$/m);

  const { daemon: second } = await fixtureBus(t, { Version: ['s', '257'], SystemState: ['s', 'running'] }, [UNITS[0] as FixtureUnit]);
  assert.match(await render(create({ busAddress: second.address })), /^node_systemd_system_running 1$/m);
});

test('systemd without a bus fails alone: success 0, a log line naming the address, and the scrape goes on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'platypus-nobus-'));
  try {
    const lines: string[] = [];
    const address = `unix:path=${join(dir, 'absent')}`;
    const families = await scraper({ busAddress: address }, lines).scrape();
    assert.deepEqual(samples(families, 'node_scrape_collector_success'), ['systemd=0', 'time=1']);
    assert.ok(families.some((f) => f.desc.name === 'node_time_seconds'));
    assert.ok(!families.some((f) => f.desc.name.startsWith('node_systemd_')));
    const failure = lines.find((line) => line.includes('collector=systemd') && line.includes('collector failed'));
    assert.ok(failure, lines.join(''));
    assert.match(failure, /couldn't get units from unix:path=.*absent/);
    assert.match(failure, /ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('systemd on a bus that never answers times out within the collector timeout, the scrape returns, and the next scrape dials again', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'platypus-silent-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sockets: Socket[] = [];
  // Accepts, reads, never writes: not even the authentication handshake finishes.
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.resume();
  });
  const path = join(dir, 'bus');
  await new Promise<void>((resolve) => server.listen(path, resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  const lines: string[] = [];
  const scrape = scraper({ busAddress: `unix:path=${path}` }, lines, 1_000);
  const started = performance.now();
  const families = await scrape.scrape();
  const seconds = (performance.now() - started) / 1000;
  assert.ok(seconds < 5, `the scrape took ${seconds} s with a 1 s collector timeout`);
  assert.deepEqual(samples(families, 'node_scrape_collector_success'), ['systemd=0', 'time=1']);
  assert.ok(lines.some((line) => line.includes('collector=systemd') && line.includes('did not finish within 1s')), lines.join(''));
  // The connection that timed out is dropped, not reused.
  await scrape.scrape();
  assert.equal(sockets.length, 2);
  assert.ok(sockets[0]?.destroyed || sockets[0]?.readableEnded, 'the first connection was closed');
});

test('systemd on a bus whose service never answers times out too', async (t) => {
  const daemon = await startDbusDaemon(t);
  await startFakeSystemd(t, daemon.address, { units: UNITS, manager: MANAGER, silent: true });
  const lines: string[] = [];
  const families = await scraper({ busAddress: daemon.address }, lines, 1_000).scrape();
  assert.deepEqual(samples(families, 'node_scrape_collector_success'), ['systemd=0', 'time=1']);
  assert.ok(lines.some((line) => line.includes('did not finish within 1s')), lines.join(''));
});

test('systemd keeps one connection across scrapes and makes a new one after the bus restarts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'platypus-restart-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const first = await startDbusDaemon(t, dir);
  const service = await startFakeSystemd(t, first.address, { units: UNITS, manager: MANAGER });
  const lines: string[] = [];
  const scrape = scraper({ busAddress: first.address }, lines);
  assert.deepEqual(samples(await scrape.scrape(), 'node_scrape_collector_success'), ['systemd=1', 'time=1']);
  const collectorConnection = await otherConnections(service.bus);
  assert.equal(collectorConnection.length, 1);
  // The service restarts on the same bus: the well-known name finds the new one.
  await service.stop();
  const restarted = await startFakeSystemd(t, first.address, { units: [UNITS[0] as FixtureUnit], manager: MANAGER });
  const afterServiceRestart = await scrape.scrape();
  assert.deepEqual(samples(afterServiceRestart, 'node_systemd_units'), ['activating=0', 'active=1', 'deactivating=0', 'failed=0', 'inactive=0']);
  assert.deepEqual(await otherConnections(restarted.bus), collectorConnection, 'the collector kept its connection');

  // The bus itself restarts at the same address.
  await restarted.stop();
  await first.process.stop();
  const second = await startDbusDaemon(t, dir);
  await startFakeSystemd(t, second.address, { units: UNITS.slice(0, 2), manager: MANAGER });
  // The old connection ended with the old daemon; the next scrape dials the new one.
  const families = await scrape.scrape();
  assert.deepEqual(samples(families, 'node_scrape_collector_success'), ['systemd=1', 'time=1']);
  assert.deepEqual(samples(families, 'node_systemd_units'), ['activating=0', 'active=1', 'deactivating=0', 'failed=1', 'inactive=0']);
});

test('systemd refuses a unit list over its message cap and reports it, and the next scrape dials again', async (t) => {
  const many: FixtureUnit[] = Array.from({ length: 2_000 }, (_, i) => ({ name: `unit-${String(i).padStart(5, '0')}-${'x'.repeat(40)}.service`, activeState: 'active' }));
  const daemon = await startDbusDaemon(t);
  const big = await startFakeSystemd(t, daemon.address, { units: many, manager: MANAGER });
  const lines: string[] = [];
  const scrape = scraper({ busAddress: daemon.address, maxMessageBytes: 64 * 1024 }, lines);
  const families = await scrape.scrape();
  assert.deepEqual(samples(families, 'node_scrape_collector_success'), ['systemd=0', 'time=1']);
  const failure = lines.find((line) => line.includes('collector failed'));
  assert.match(failure ?? lines.join(''), /exceeds 65536 bytes/);
  // The connection was dropped with the message: a unit list under the cap comes through a new one.
  await big.stop();
  const small = await startFakeSystemd(t, daemon.address, { units: many.slice(0, 100), manager: MANAGER });
  assert.deepEqual(samples(await scrape.scrape(), 'node_systemd_units'), ['activating=0', 'active=100', 'deactivating=0', 'failed=0', 'inactive=0']);
  assert.equal((await otherConnections(small.bus)).length, 1);
});

test('systemd with --collector.systemd.private talks to systemd without a bus daemon, where Hello is refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'platypus-direct-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const address = `unix:path=${join(dir, 'private')}`;
  const python = requireBinary('/usr/bin/python3', 'python3-dbus python3-gi');
  const server = startProcess(t, python, [fileURLToPath(new URL('../../helpers/dbus-direct-systemd.py', import.meta.url)), address]);
  await waitFor('the direct D-Bus server to listen', () => {
    if (server.child.exitCode !== null) throw new Error(`dbus-direct-systemd.py exited: ${server.output()}`);
    return server.output().includes('ready');
  });
  const collector = create({ private: true, busAddress: address });
  const text = await render(collector);
  assert.match(text, /^node_systemd_unit_state\{name="direct.service",state="active",type="exec"\} 1$/m);
  assert.match(text, /^node_systemd_system_running 1$/m);
  assert.match(text, /^node_systemd_version\{version="256"\} 256$/m);
  // The refused Hello does not drop the connection: a second scrape uses it too.
  assert.equal(await render(collector), text);
  assert.equal(server.output().match(/^connection$/gm)?.length, 1, server.output());
});

test('systemd flags: an invalid unit regexp is refused when the flag is read', () => {
  const flags = systemdCollector.flags ?? assert.fail('no flags');
  assert.throws(() => flags.unitInclude.parse('a)('), /invalid regular expression "a\)\("/);
  assert.equal(flags.unitExclude.default, '.+\\.(automount|device|mount|scope|slice)');
});
