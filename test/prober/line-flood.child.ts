/**
 * Run by query-response-flood.test.ts as a process of its own, so writing the flood never delays
 * the test's own HTTP client: a loopback server that writes short lines as fast as each connection
 * takes them, until it closes. Prints its port as one line, then serves until it is stopped.
 */
import { createServer, type AddressInfo } from 'node:net';

const LINES = Buffer.from('x\n'.repeat(32 * 1024));
const server = createServer((socket) => {
  socket.on('error', () => socket.destroy());
  const pump = (): void => {
    while (!socket.destroyed && socket.write(LINES));
  };
  socket.on('drain', pump);
  pump();
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
