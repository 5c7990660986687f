/**
 * The few calls the systemd collector makes to systemd's Manager over D-Bus (ListUnits and
 * Properties.Get), on one connection kept across scrapes and made anew once it breaks: an error,
 * the peer closing, a reply over the size cap, or a call cut off by its deadline.
 */
import type { Duplex } from 'node:stream';
import type { Message, MessageBus, MessageLike } from '@jellybrick/dbus-next';
import { raceAbort } from '../../common/abort.js';

/** Where the system bus is when DBUS_SYSTEM_BUS_ADDRESS does not say (D-Bus's and go-systemd's default). */
const DEFAULT_SYSTEM_BUS = 'unix:path=/run/dbus/system_bus_socket';
/** systemd's own socket, answered by PID 1 without a bus daemon (root only). */
export const SYSTEMD_PRIVATE_ADDRESS = 'unix:path=/run/systemd/private';

export function systemBusAddress(env: NodeJS.ProcessEnv = process.env): string {
  const address = env.DBUS_SYSTEM_BUS_ADDRESS;
  return address === undefined || address === '' ? DEFAULT_SYSTEM_BUS : address;
}

/**
 * The largest message accepted from the bus. The library buffers a whole message, whatever length
 * its header declares, before parsing it; a unit list is about 250 bytes a unit, so this allows
 * some 60,000 units and no more memory than that.
 */
const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

const SYSTEMD = 'org.freedesktop.systemd1';
const MANAGER_PATH = '/org/freedesktop/systemd1';
const MANAGER = 'org.freedesktop.systemd1.Manager';

/** One row of Manager.ListUnits, `a(ssssssouso)`: the fields the collector reads. */
export interface UnitStatus {
  name: string;
  loadState: string;
  activeState: string;
  /** The unit's object path, as systemd gives it. */
  path: string;
}

/** The library's connection object, which its types keep internal: its socket and its lifecycle events. */
interface LibraryConnection {
  stream?: Duplex;
  once(event: 'connect' | 'end', listener: () => void): void;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

type DBusLibrary = typeof import('@jellybrick/dbus-next');
let library: Promise<DBusLibrary> | undefined;
/** The D-Bus library (with the XML parser it brings, ~5 MiB) loads with the first call: the systemd collector is off by default. */
const loadLibrary = (): Promise<DBusLibrary> => (library ??= import('@jellybrick/dbus-next'));

/** One connection to the bus; the calls waiting on it fail at once when it closes. */
class BusConnection {
  readonly #bus: MessageBus;
  readonly #library: LibraryConnection;
  readonly #waiting = new Set<(reason: Error) => void>();
  #closed: Error | undefined;

  constructor(dbus: DBusLibrary, address: string, maxMessageBytes: number) {
    this.#bus = dbus.sessionBus({ busAddress: address });
    this.#library = (this.#bus as unknown as { _connection: LibraryConnection })._connection;
    // Without a listener, an 'error' event (no socket, refused authentication) would end the process;
    // the library emits it without declaring it in its event types.
    (this.#bus as unknown as NodeJS.EventEmitter).on('error', (error: unknown) => {
      // An error reply is the library's Hello refused: systemd's private socket has no bus daemon to greet
      // (go-systemd sends none there), and its method calls work all the same.
      if (error instanceof dbus.DBusError) return;
      this.close(new Error(`D-Bus connection to ${address} failed: ${describe(error)}`));
    });
    this.#library.once('end', () => this.close(new Error(`D-Bus connection to ${address} was closed by the other side`)));
    this.#library.once('connect', () => {
      const stream = this.#library.stream;
      if (stream === undefined) return;
      if (this.#closed !== undefined) {
        stream.destroy();
        return;
      }
      // An idle connection kept for the next scrape must not keep the process alive.
      (stream as Duplex & { unref?: () => void }).unref?.();
      // Runs before the library's own reader, which waits for as many bytes as a message declares.
      stream.prependListener('readable', () => {
        if (stream.readableLength > maxMessageBytes) {
          this.close(new Error(`a D-Bus message from ${address} exceeds ${maxMessageBytes} bytes (a unit list that large is refused)`));
        }
      });
    });
  }

  get closed(): boolean {
    return this.#closed !== undefined;
  }

  call(message: Message): Promise<Message | null> {
    const closed = this.#closed;
    if (closed !== undefined) return Promise.reject(closed);
    return new Promise((resolve, reject) => {
      this.#waiting.add(reject);
      this.#bus
        .call(message)
        .then(resolve, reject)
        .finally(() => this.#waiting.delete(reject));
    });
  }

  close(reason: Error): void {
    if (this.#closed !== undefined) return;
    this.#closed = reason;
    for (const reject of this.#waiting) reject(reason);
    this.#waiting.clear();
    this.#library.stream?.destroy();
  }
}

export class SystemdBus {
  readonly address: string;
  readonly #maxMessageBytes: number;
  #current: BusConnection | undefined;

  constructor(address: string, { maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES }: { maxMessageBytes?: number } = {}) {
    this.address = address;
    this.#maxMessageBytes = maxMessageBytes;
  }

  /** One method call to systemd, bounded by `signal`; a call cut off leaves the connection in doubt, so it is dropped. */
  async #call(fields: MessageLike, signal: AbortSignal): Promise<Message> {
    const dbus = await raceAbort(loadLibrary(), signal);
    const message = new dbus.Message(fields);
    if (this.#current === undefined || this.#current.closed) this.#current = new BusConnection(dbus, this.address, this.#maxMessageBytes);
    const connection = this.#current;
    try {
      const reply = await raceAbort(connection.call(message), signal);
      if (reply === null) throw new Error(`no reply to ${message.member ?? 'a call'}`);
      return reply;
    } catch (error) {
      if (signal.aborted) connection.close(new Error('a call to systemd outlived its deadline'));
      throw error;
    }
  }

  async listUnits(signal: AbortSignal): Promise<UnitStatus[]> {
    const reply = await this.#call({ destination: SYSTEMD, path: MANAGER_PATH, interface: MANAGER, member: 'ListUnits' }, signal);
    if (reply.signature !== 'a(ssssssouso)') throw new Error(`ListUnits answered with signature "${reply.signature}", not a(ssssssouso)`);
    return (reply.body[0] as string[][]).map((row) => ({
      name: row[0] as string,
      loadState: row[2] as string,
      activeState: row[3] as string,
      path: row[6] as string,
    }));
  }

  /** A property of the Manager object (Version, Virtualization, SystemState). */
  managerProperty(name: string, signal: AbortSignal): Promise<unknown> {
    return this.property(MANAGER_PATH, MANAGER, name, signal);
  }

  /** `org.freedesktop.DBus.Properties.Get` on one object; the variant's value (a bigint for 64-bit integers). */
  async property(path: string, iface: string, name: string, signal: AbortSignal): Promise<unknown> {
    const reply = await this.#call(
      { destination: SYSTEMD, path, interface: 'org.freedesktop.DBus.Properties', member: 'Get', signature: 'ss', body: [iface, name] },
      signal,
    );
    const variant = reply.body[0] as { value?: unknown } | undefined;
    return variant?.value;
  }
}
