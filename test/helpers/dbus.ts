/**
 * A private dbus-daemon in a temporary directory, and a stand-in for systemd on it: a D-Bus service
 * owning org.freedesktop.systemd1 that answers Manager.ListUnits and Properties.Get from fixture data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { DBusError, Message, MessageType, RequestNameReply, sessionBus, Variant, type MessageBus } from '@jellybrick/dbus-next';
import { requireBinary, startProcess, type RunningProcess } from './process.js';
import { waitFor } from './wait.js';

export interface DbusDaemon {
  /** e.g. `unix:path=/tmp/…/bus` */
  address: string;
  socketPath: string;
  process: RunningProcess;
}

/** Starts dbus-daemon with the session configuration on a socket in `dir` (a new temporary one by default); stopped when the test ends. */
export async function startDbusDaemon(t: TestContext, dir?: string): Promise<DbusDaemon> {
  const binary = requireBinary('dbus-daemon', 'dbus-daemon');
  let socketDir = dir;
  if (socketDir === undefined) {
    const made = mkdtempSync(join(tmpdir(), 'platypus-dbus-'));
    t.after(() => rmSync(made, { recursive: true, force: true }));
    socketDir = made;
  }
  const socketPath = join(socketDir, 'bus');
  const address = `unix:path=${socketPath}`;
  const running = startProcess(t, binary, ['--session', '--nofork', '--nopidfile', '--print-address', `--address=${address}`]);
  await waitFor('dbus-daemon to print its address', () => {
    if (running.child.exitCode !== null) throw new Error(`dbus-daemon exited: ${running.output()}`);
    return running.output().includes(socketPath);
  });
  return { address, socketPath, process: running };
}

/** A property value with its D-Bus signature, e.g. `['t', 1700000000000000n]`. */
export type Property = readonly [signature: string, value: unknown];

export interface FixtureUnit {
  name: string;
  loadState?: string;
  activeState: string;
  subState?: string;
  /** Properties by `Interface.Name`, the interface without its `org.freedesktop.systemd1.` prefix, e.g. `Service.Type`. */
  properties?: Record<string, Property>;
}

export interface FakeSystemdOptions {
  units: readonly FixtureUnit[];
  /** Manager properties: Version, Virtualization, SystemState. */
  manager?: Record<string, Property>;
  /** Take method calls and never answer them. */
  silent?: boolean;
}

/** systemd's object path escaping (sd_bus_path_encode): every byte but [A-Za-z0-9] becomes `_` and two hex digits. */
function unitObjectPath(name: string): string {
  const escaped = [...Buffer.from(name, 'utf8')]
    .map((byte) => (/[A-Za-z0-9]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `_${byte.toString(16).padStart(2, '0')}`))
    .join('');
  return `/org/freedesktop/systemd1/unit/${escaped}`;
}

const MANAGER_PATH = '/org/freedesktop/systemd1';
const PREFIX = 'org.freedesktop.systemd1.';

export interface FakeSystemd {
  bus: MessageBus;
  /** Method calls received so far, as `member` or `Get Interface.Name`. */
  calls: string[];
  stop(): Promise<void>;
}

/** Connects to `address`, takes org.freedesktop.systemd1 and answers as systemd would for `options`; stopped when the test ends. */
export async function startFakeSystemd(t: TestContext, address: string, options: FakeSystemdOptions): Promise<FakeSystemd> {
  const bus = sessionBus({ busAddress: address });
  (bus as unknown as NodeJS.EventEmitter).on('error', () => undefined);
  const byPath = new Map(options.units.map((unit) => [unitObjectPath(unit.name), unit]));
  const calls: string[] = [];

  bus.addMethodHandler((message: Message) => {
    if (message.type !== MessageType.METHOD_CALL || message.destination !== 'org.freedesktop.systemd1') return false;
    if (options.silent === true) return true;
    if (message.member === 'ListUnits' && message.path === MANAGER_PATH) {
      calls.push('ListUnits');
      const rows = options.units.map((unit) => {
        const path = unitObjectPath(unit.name);
        return [unit.name, `Fixture ${unit.name}`, unit.loadState ?? 'loaded', unit.activeState, unit.subState ?? unit.activeState, '', path, 0, '', '/'];
      });
      bus.send(Message.newMethodReturn(message, 'a(ssssssouso)', [rows]));
      return true;
    }
    if (message.member === 'Get' && message.interface === 'org.freedesktop.DBus.Properties') {
      const [iface, name] = message.body as [string, string];
      const key = `${iface.startsWith(PREFIX) ? iface.slice(PREFIX.length) : iface}.${name}`;
      calls.push(`Get ${key}`);
      const property = message.path === MANAGER_PATH ? options.manager?.[name] : byPath.get(message.path ?? '')?.properties?.[key];
      if (property === undefined) {
        bus.send(Message.newError(message, 'org.freedesktop.DBus.Error.UnknownProperty', `no property ${key} on ${message.path ?? ''}`));
      } else {
        bus.send(Message.newMethodReturn(message, 'v', [new Variant(property[0], property[1])]));
      }
      return true;
    }
    return false;
  });

  const reply = await bus.requestName('org.freedesktop.systemd1', 0);
  if (reply !== RequestNameReply.PRIMARY_OWNER) throw new DBusError('test.Error', `could not own org.freedesktop.systemd1 (reply ${reply})`);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // Closing the connection releases the name; a release call could wait forever on a daemon already stopped.
    bus.disconnect();
    await new Promise((resolve) => setImmediate(resolve));
  };
  t.after(stop);
  return { bus, calls, stop };
}
