/**
 * A loopback port whose TCP handshake never completes: a python3 child listens with a backlog of
 * 0 and never calls accept(); the accept queue is then filled with connections held open here.
 * Linux (with net.ipv4.tcp_abort_on_overflow=0, the default) drops every further SYN, so a
 * connect() to the port hangs until the client gives up, unlike a server that accepts and then
 * stays silent. Node cannot do this itself: libuv accepts as soon as a connection is queued.
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import type { TestContext } from 'node:test';
import { requireBinary, startProcess } from './process.js';
import { waitFor } from './wait.js';

const LISTENER = [
  'import socket, time',
  's = socket.socket(socket.AF_INET, socket.SOCK_STREAM)',
  "s.bind(('127.0.0.1', 0))",
  's.listen(0)',
  'print(s.getsockname()[1], flush=True)',
  'while True: time.sleep(3600)',
].join('\n');

/** A connect that completes within this long counts as one more connection in the accept queue. */
const HANDSHAKE_MS = 300;
const MAX_FILLERS = 8;

export interface UnacceptedPort {
  port: number;
  /** Connections that completed before the queue was full (the kernel queued them; nobody accepted). */
  fillers: number;
  /** True while the canary connect made after the queue filled up is still waiting for a SYN-ACK. */
  stillHanging(): boolean;
  /** Sockets of this host in SYN_SENT to the port (from /proc/net/tcp): the canary, plus any client still trying. */
  synSent(): number;
}

/** Counts /proc/net/tcp entries whose remote end is 127.0.0.1:`port` and whose state is SYN_SENT (02). */
function synSentTo(port: number): number {
  const remote = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[2] === remote && fields[3] === '02').length;
}

type Attempt = 'connected' | 'pending' | Error;

function attempt(socket: Socket): Promise<Attempt> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('pending'), HANDSHAKE_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve('connected');
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      resolve(error);
    });
  });
}

/**
 * Starts the listener and fills its accept queue; resolves once a canary connect is seen to hang.
 * Throws if every connect completes (something accepted) or is refused (tcp_abort_on_overflow=1).
 * The child and every held connection are gone when the test ends.
 */
export async function startUnacceptedPort(t: TestContext): Promise<UnacceptedPort> {
  const python = requireBinary('python3', 'python3');
  const listener = startProcess(t, python, ['-c', LISTENER]);
  const port = Number(
    await waitFor('the python3 listener to print its port', () => {
      if (listener.child.exitCode !== null) throw new Error(`python3 exited with ${listener.child.exitCode}: ${listener.output()}`);
      return /^(\d+)\n/.exec(listener.output())?.[1];
    }, { timeoutMs: 10_000, intervalMs: 20 }),
  );
  const held: Socket[] = [];
  t.after(() => {
    for (const socket of held) socket.destroy();
  });
  for (let fillers = 0; fillers < MAX_FILLERS; fillers++) {
    const socket = connect({ host: '127.0.0.1', port });
    held.push(socket);
    const outcome = await attempt(socket);
    socket.on('error', () => undefined);
    if (outcome instanceof Error) {
      throw new Error(`connect to the full accept queue failed (${outcome.message}) instead of hanging: is net.ipv4.tcp_abort_on_overflow 1?`);
    }
    if (outcome === 'pending') return { port, fillers, stillHanging: () => socket.connecting && !socket.destroyed, synSent: () => synSentTo(port) };
  }
  throw new Error(`${MAX_FILLERS} handshakes to 127.0.0.1:${port} completed although nothing calls accept(): the port does accept`);
}
