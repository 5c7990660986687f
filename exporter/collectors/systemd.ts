/**
 * `node_systemd_*`: unit states, the unit summary, socket, timer, restart, task and start-time figures,
 * systemd's version and the system state, asked of systemd over D-Bus as node_exporter 1.10's systemd
 * collector asks (Manager.ListUnits, then Properties.Get per unit). Off by default, as there.
 */
import { booleanFlag, stringFlag, type FlagSpec } from '../../common/flags.js';
import { describeMetric } from '../../common/metrics.js';
import { compileAnchoredRegex } from '../../common/regex.js';
import { SYSTEMD_PRIVATE_ADDRESS, SystemdBus, systemBusAddress, type UnitStatus } from '../dbus/systemd-bus.js';
import { collectorFlag, defineCollector, type CollectorContext, type CollectorFlagValues, type MetricSink } from '../types.js';

const unitState = describeMetric('node_systemd_unit_state', 'Systemd unit', 'gauge', ['name', 'state', 'type']);
const unitStartTime = describeMetric('node_systemd_unit_start_time_seconds', 'Start time of the unit since unix epoch in seconds.', 'gauge', ['name']);
const unitTasksCurrent = describeMetric('node_systemd_unit_tasks_current', 'Current number of tasks per Systemd unit', 'gauge', ['name']);
const unitTasksMax = describeMetric('node_systemd_unit_tasks_max', 'Maximum number of tasks per Systemd unit', 'gauge', ['name']);
const systemRunning = describeMetric('node_systemd_system_running', "Whether the system is operational (see 'systemctl is-system-running')", 'gauge');
const units = describeMetric('node_systemd_units', 'Summary of systemd unit states', 'gauge', ['state']);
const restarts = describeMetric('node_systemd_service_restart_total', 'Service unit count of Restart triggers', 'counter', ['name']);
const timerLastTrigger = describeMetric('node_systemd_timer_last_trigger_seconds', 'Seconds since epoch of last trigger.', 'gauge', ['name']);
const socketAccepted = describeMetric('node_systemd_socket_accepted_connections_total', 'Total number of accepted socket connections', 'counter', ['name']);
const socketCurrent = describeMetric('node_systemd_socket_current_connections', 'Current number of socket connections', 'gauge', ['name']);
// A gauge despite its name: node_exporter exports it so.
const socketRefused = describeMetric('node_systemd_socket_refused_connections_total', 'Total number of refused socket connections', 'gauge', ['name']);
const version = describeMetric('node_systemd_version', 'Detected systemd version', 'gauge', ['version']);
const virtualization = describeMetric('node_systemd_virtualization_info', 'Detected virtualization technology', 'gauge', ['virtualization_type']);

/** The ActiveStates every listed unit reports one series for, in the order Go's registry sorts them ("activa" < "active"). */
const UNIT_STATES = ['activating', 'active', 'deactivating', 'failed', 'inactive'] as const;
/** SystemState and timers' LastTriggerUSec came with systemd 212. */
const MIN_VERSION_SYSTEM_STATE = 212;
/** Units asked about at once: well under dbus-daemon's 128 pending replies per connection. */
const CONCURRENT_UNITS = 16;
/** systemd reports "no limit" / "not known" as the largest uint64. */
const UINT64_MAX = 2n ** 64n - 1n;

/** A Go regexp matched against the whole unit name, checked when the flag is read. */
function unitRegexpFlag(help: string, defaultValue: string): FlagSpec<string> {
  return {
    ...stringFlag(help, defaultValue, '<regexp>'),
    parse(text) {
      compileAnchoredRegex(text);
      return text;
    },
  };
}

const systemdFlags = {
  unitInclude: collectorFlag(
    'collector.systemd.unit-include',
    unitRegexpFlag('Regexp of systemd units to include. Units must both match include and not match exclude to be included.', '.+'),
  ),
  unitExclude: collectorFlag(
    'collector.systemd.unit-exclude',
    unitRegexpFlag(
      'Regexp of systemd units to exclude. Units must both match include and not match exclude to be included.',
      '.+\\.(automount|device|mount|scope|slice)',
    ),
  ),
  private: collectorFlag(
    'collector.systemd.private',
    booleanFlag('Establish a private, direct connection to systemd without dbus (Strongly discouraged since it requires root. For testing purposes only).'),
  ),
  taskMetrics: collectorFlag('collector.systemd.enable-task-metrics', booleanFlag('Enables service unit tasks metrics unit_tasks_current and unit_tasks_max')),
  restartsMetrics: collectorFlag('collector.systemd.enable-restarts-metrics', booleanFlag('Enables service unit metric service_restart_total')),
  startTimeMetrics: collectorFlag('collector.systemd.enable-start-time-metrics', booleanFlag('Enables service unit metric unit_start_time_seconds')),
};

type SystemdOptions = CollectorFlagValues<typeof systemdFlags> & {
  /** The D-Bus address to ask instead of the system bus or, with `private`, systemd's own socket. */
  busAddress?: string;
  /** The largest D-Bus message accepted (16 MiB). */
  maxMessageBytes?: number;
};

/** systemd's Version property as node_exporter reads it: the first `NNN[.N]` in it, and the whole text as the label. */
function parseVersion(text: unknown): { value: number; label: string } {
  const match = typeof text === 'string' ? /[0-9]{3,}(\.[0-9]+)?/.exec(text) : null;
  return match === null ? { value: 0, label: '' } : { value: Number(match[0]), label: text as string };
}

/** What the per-unit calls found; a property systemd did not give is left out. */
interface UnitFigures {
  type: string;
  restarts?: number;
  startTime?: number;
  tasksCurrent?: number;
  tasksMax?: number;
  lastTrigger?: number;
  socket?: { accepted: number; current?: number; refused?: number };
}

/** Runs `work` on every item with at most `limit` at once; results in the items' order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const toNumber = (value: unknown): number => (typeof value === 'bigint' ? Number(value) : (value as number));
/** A uint64 that systemd may not have, or may report as "unset". */
const setUint64 = (value: unknown): number | undefined => (value === undefined || value === UINT64_MAX ? undefined : toNumber(value));

export const systemdCollector = defineCollector({
  name: 'systemd',
  defaultEnabled: false,
  description: 'Unit states, sockets, timers and the system state, from systemd over D-Bus.',
  flags: systemdFlags,
  create: ({ options, logger }: CollectorContext<SystemdOptions>) => {
    const include = compileAnchoredRegex(options.unitInclude);
    const exclude = compileAnchoredRegex(options.unitExclude);
    const address = options.busAddress ?? (options.private ? SYSTEMD_PRIVATE_ADDRESS : systemBusAddress());
    const bus = new SystemdBus(address, { maxMessageBytes: options.maxMessageBytes });

    /** A property a unit may lack (an older systemd, a unit gone since the listing): undefined, logged at debug level. */
    const optional = async (unit: UnitStatus, iface: string, name: string, signal: AbortSignal): Promise<unknown> => {
      try {
        return await bus.property(unit.path, `org.freedesktop.systemd1.${iface}`, name, signal);
      } catch (error) {
        if (signal.aborted) throw error;
        logger.debug({ unit: unit.name, property: name, err: error instanceof Error ? error.message : String(error) }, "couldn't get unit property");
        return undefined;
      }
    };

    const unitFigures = async (unit: UnitStatus, withTimers: boolean, signal: AbortSignal): Promise<UnitFigures> => {
      const kind = unit.name.slice(unit.name.lastIndexOf('.') + 1);
      const figures: UnitFigures = { type: '' };
      if (kind === 'service' || kind === 'mount') {
        const type = await optional(unit, kind === 'service' ? 'Service' : 'Mount', 'Type', signal);
        if (typeof type === 'string') figures.type = type;
      }
      if (kind === 'service' && options.restartsMetrics) {
        const count = await optional(unit, 'Service', 'NRestarts', signal);
        if (count !== undefined) figures.restarts = toNumber(count);
      }
      if (options.startTimeMetrics) {
        const enter = unit.activeState === 'active' ? await optional(unit, 'Unit', 'ActiveEnterTimestamp', signal) : 0;
        if (enter !== undefined) figures.startTime = toNumber(enter) / 1e6;
      }
      if (kind === 'service' && options.taskMetrics) {
        figures.tasksCurrent = setUint64(await optional(unit, 'Service', 'TasksCurrent', signal));
        figures.tasksMax = setUint64(await optional(unit, 'Service', 'TasksMax', signal));
      }
      if (kind === 'timer' && withTimers) {
        const last = await optional(unit, 'Timer', 'LastTriggerUSec', signal);
        if (last !== undefined) figures.lastTrigger = toNumber(last) / 1e6;
      }
      if (kind === 'socket') {
        const accepted = await optional(unit, 'Socket', 'NAccepted', signal);
        if (accepted !== undefined) {
          const current = await optional(unit, 'Socket', 'NConnections', signal);
          // NRefused came with systemd 239; node_exporter asks for it only once NConnections answered.
          const refused = current === undefined ? undefined : await optional(unit, 'Socket', 'NRefused', signal);
          figures.socket = {
            accepted: toNumber(accepted),
            current: current === undefined ? undefined : toNumber(current),
            refused: refused === undefined ? undefined : toNumber(refused),
          };
        }
      }
      return figures;
    };

    const addUnit = (sink: MetricSink, unit: UnitStatus, figures: UnitFigures): void => {
      for (const state of UNIT_STATES) sink.add(unitState, state === unit.activeState ? 1 : 0, [unit.name, state, figures.type]);
      const name = [unit.name];
      if (figures.restarts !== undefined) sink.add(restarts, figures.restarts, name);
      if (figures.startTime !== undefined) sink.add(unitStartTime, figures.startTime, name);
      if (figures.tasksCurrent !== undefined) sink.add(unitTasksCurrent, figures.tasksCurrent, name);
      if (figures.tasksMax !== undefined) sink.add(unitTasksMax, figures.tasksMax, name);
      if (figures.lastTrigger !== undefined) sink.add(timerLastTrigger, figures.lastTrigger, name);
      if (figures.socket !== undefined) {
        sink.add(socketAccepted, figures.socket.accepted, name);
        if (figures.socket.current !== undefined) sink.add(socketCurrent, figures.socket.current, name);
        if (figures.socket.refused !== undefined) sink.add(socketRefused, figures.socket.refused, name);
      }
    };

    return {
      async update(sink, signal) {
        const versionText = await bus.managerProperty('Version', signal).catch((error: unknown) => {
          if (signal.aborted) throw error;
          return undefined;
        });
        const systemdVersion = parseVersion(versionText);
        sink.add(version, systemdVersion.value, [systemdVersion.label]);
        const virt = await bus.managerProperty('Virtualization', signal).catch((error: unknown) => {
          if (signal.aborted) throw error;
          return 'unknown';
        });
        sink.add(virtualization, 1, [typeof virt === 'string' && virt !== '' ? virt : 'none']);

        let all: UnitStatus[];
        try {
          all = await bus.listUnits(signal);
        } catch (error) {
          throw new Error(`couldn't get units from ${bus.address}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
        const summary = new Map<string, number>(UNIT_STATES.map((state) => [state, 0]));
        for (const unit of all) summary.set(unit.activeState, (summary.get(unit.activeState) ?? 0) + 1);
        for (const state of [...summary.keys()].sort()) sink.add(units, summary.get(state) as number, [state]);

        const listed = all
          .filter((unit) => unit.loadState === 'loaded' && include.test(unit.name) && !exclude.test(unit.name))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const withTimers = systemdVersion.value >= MIN_VERSION_SYSTEM_STATE;
        const figures = await mapBounded(listed, CONCURRENT_UNITS, (unit) => unitFigures(unit, withTimers, signal));
        listed.forEach((unit, i) => addUnit(sink, unit, figures[i] as UnitFigures));

        if (withTimers) {
          let state: unknown;
          try {
            state = await bus.managerProperty('SystemState', signal);
          } catch (error) {
            throw new Error(`couldn't get system state: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
          }
          sink.add(systemRunning, state === 'running' ? 1 : 0);
        }
      },
    };
  },
});
