import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The lowest port the kernel hands out to outgoing connections (Linux), or undefined where unknown. */
function ephemeralLow(): number | undefined {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) ? low : undefined;
  } catch {
    return undefined;
  }
}

const LOW = ephemeralLow();
/** Ports tried below the ephemeral range, from 10000 up (the kernel picks when the range starts too low). */
const BELOW_EPHEMERAL = LOW !== undefined && LOW > 12_000 ? { from: 10_000, count: LOW - 10_000 } : undefined;

function listenOnce(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, host, () => {
      const address = server.address();
      server.close(() => resolve(address === null || typeof address === 'string' ? undefined : address.port));
    });
  });
}

/**
 * A TCP port on `host` that was free a moment ago. It is taken below the kernel's ephemeral range where
 * there is room, so that no outgoing connection can hold it when a test's server (re)starts on it.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  if (BELOW_EPHEMERAL !== undefined) {
    for (let tries = 0; tries < 50; tries++) {
      const port = await listenOnce(BELOW_EPHEMERAL.from + Math.floor(Math.random() * BELOW_EPHEMERAL.count), host);
      if (port !== undefined) return port;
    }
  }
  const port = await listenOnce(0, host);
  if (port === undefined) throw new Error(`no free port on ${host}`);
  return port;
}
