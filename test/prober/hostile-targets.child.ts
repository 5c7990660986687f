/**
 * Run by hostile-suite.test.ts as a process of its own, so the targets' work never counts against
 * the prober's event loop: one loopback server per way a target can misbehave. Prints their ports
 * as one JSON line, then serves until its standard input closes.
 */
import { createSocket } from 'node:dgram';
import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';

const sockets = new Set<Socket>();
function track(socket: Socket): void {
  sockets.add(socket);
  socket.on('error', () => socket.destroy());
  socket.on('close', () => sockets.delete(socket));
}

/** Writes `chunk` as fast as the connection takes it, until it closes. */
function pump(stream: Socket | ServerResponse, chunk: Buffer): void {
  const more = (): void => {
    while (!stream.destroyed && stream.write(chunk));
  };
  stream.on('drain', more);
  more();
}

/** An HTTP status line, then one more byte of a header line every 20 ms, never finishing the headers. */
const slowloris = createNetServer((socket) => {
  track(socket);
  socket.resume();
  socket.write('HTTP/1.1 200 OK\r\nX-Slow: ');
  const timer = setInterval(() => socket.write('a'), 20);
  socket.on('close', () => clearInterval(timer));
});

/** Accepts, reads, never writes: TLS after ClientHello, DNS over TCP, query_response, HTTP/2 prefaces. */
const silent = createNetServer((socket) => {
  track(socket);
  socket.resume();
});

const LINES = Buffer.from('x\n'.repeat(32 * 1024));
const flood = createNetServer((socket) => {
  track(socket);
  socket.resume();
  pump(socket, LINES);
});

const BODY_CHUNK = Buffer.alloc(64 * 1024, 'x');
/** 16 MiB of zeros per ~16 KiB gzip member, members repeated without end (gunzip reads them as one body). */
const GZIP_MEMBER = gzipSync(Buffer.alloc(16 * 1024 * 1024));
/** 400 KB on which a backtracking engine takes seconds to refuse /Copyright.*2024/. */
const BACKTRACKING_BODY = 'Copyright '.repeat(40_000);

const http = createHttpServer((request, response) => {
  response.on('error', () => undefined);
  if (request.url === '/endless') {
    response.writeHead(200, { 'content-type': 'text/plain' });
    pump(response, BODY_CHUNK);
  } else if (request.url === '/gzip-bomb') {
    response.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
    pump(response, GZIP_MEMBER);
  } else {
    response.end(BACKTRACKING_BODY);
  }
});
http.on('connection', track);

/** HTTP/2 that takes the health check's stream and never answers it. */
const grpc = createHttp2Server();
grpc.on('connection', track);
grpc.on('stream', () => undefined);

const udp = createSocket('udp4');

async function listen(server: Server | ReturnType<typeof createHttp2Server>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const ports = {
  slowloris: await listen(slowloris),
  silent: await listen(silent),
  flood: await listen(flood),
  http: await listen(http),
  grpc: await listen(grpc),
  udp: await new Promise<number>((resolve) => udp.bind(0, '127.0.0.1', () => resolve(udp.address().port))),
};
process.stdout.write(`${JSON.stringify(ports)}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
