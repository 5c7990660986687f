/**
 * The undici connector of one HTTP hop: connects to the address the probe chose (or the proxy),
 * tunnels with CONNECT for https through a proxy, runs the TLS handshake itself, times connect
 * and TLS, and keeps the socket so the prober can read the certificate chain and HTTP version.
 */
import type { Socket } from 'node:net';
import { raceAbort } from '../../common/abort.js';
import type { buildConnector } from 'undici';
import type { TLSConfig } from '../net/config.js';
import { dial } from '../net/dial.js';
import { requireTrusted, startTLS, tlsState, type TLSState } from '../net/tls.js';
import { ProbeError } from '../types.js';

export interface HopConnection {
  connectSeconds: number;
  tlsSeconds: number;
  /** performance.now() when the connection (TLS included) was ready for the request. */
  readyAt: number;
  /** The handshake's outcome, when TLS was used (also when verification failed). */
  tls?: TLSState;
  /** e.g. "HTTP/1.1", read from the first bytes of the response; "HTTP/2.0" for h2. */
  protocol?: string;
  /** The connector's own failure, which undici may wrap. */
  error?: ProbeError;
}

export interface HopTarget {
  /** Address (or proxy host) to open the TCP connection to. */
  host: string;
  port: number;
  /** Name the TLS certificate must match (the URL host). */
  tlsHost: string;
  https: boolean;
  tlsConfig: TLSConfig;
  http2: boolean;
  localAddress?: string;
  /** `host:port` to tunnel to with CONNECT (https through a proxy). */
  tunnelTo?: string;
}

/** Records the status line's protocol from the first bytes the socket receives. */
function watchProtocol(socket: Socket, connection: HopConnection): void {
  const push = socket.push;
  socket.push = function (chunk: unknown, encoding?: BufferEncoding): boolean {
    socket.push = push;
    if (Buffer.isBuffer(chunk) && connection.protocol === undefined) {
      const match = /^HTTP\/(\d)\.(\d)/.exec(chunk.subarray(0, 9).toString('latin1'));
      if (match !== null) connection.protocol = `HTTP/${match[1]!}.${match[2]!}`;
    }
    return push.call(this, chunk, encoding);
  };
}

const MAX_PROXY_RESPONSE_BYTES = 16 * 1024;

/** Asks an HTTP proxy for a tunnel; resolves once it answered 2xx. */
async function tunnel(socket: Socket, to: string, signal: AbortSignal): Promise<void> {
  try {
    await raceAbort(askForTunnel(socket, to), signal);
  } catch (error) {
    socket.destroy();
    throw signal.aborted ? new ProbeError('timeout', 'proxy CONNECT timed out') : error;
  }
}

/** Sends CONNECT and reads the proxy's answer; its listeners leave the socket once it is in. */
function askForTunnel(socket: Socket, to: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const finish = (error?: ProbeError): void => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onError = (error: Error): void => finish(new ProbeError('connect_error', `proxy CONNECT failed: ${error.message}`));
    const onClose = (): void => finish(new ProbeError('connect_error', 'proxy closed the connection during CONNECT'));
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) {
        if (received.length > MAX_PROXY_RESPONSE_BYTES) finish(new ProbeError('protocol', 'proxy CONNECT response too long'));
        return;
      }
      socket.pause();
      const statusLine = received.subarray(0, received.indexOf('\r\n')).toString('latin1');
      if (end + 4 < received.length) socket.unshift(received.subarray(end + 4));
      if (/^HTTP\/1\.[01] 2\d\d/.test(statusLine)) finish();
      else finish(new ProbeError('connect_error', `proxy refused CONNECT ${to}: ${statusLine}`));
    };
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.write(`CONNECT ${to} HTTP/1.1\r\nHost: ${to}\r\n\r\n`);
  });
}

/** A connector for one undici Client; `connection` receives timings and the socket. */
export function hopConnector(target: HopTarget, signal: AbortSignal, connection: HopConnection): buildConnector.connector {
  return (_options, callback) => {
    const started = performance.now();
    const run = async (): Promise<Socket> => {
      const socket = await dial({ host: target.host, port: target.port, sourceAddress: target.localAddress, noDelay: true }, signal);
      connection.connectSeconds = (performance.now() - started) / 1000;
      if (target.tunnelTo !== undefined) await tunnel(socket, target.tunnelTo, signal);
      if (!target.https) {
        watchProtocol(socket, connection);
        return socket;
      }
      const tlsStarted = performance.now();
      const secure = await startTLS(socket, target.tlsConfig, target.tlsHost, signal, target.http2 ? ['h2', 'http/1.1'] : ['http/1.1']);
      connection.tlsSeconds = (performance.now() - tlsStarted) / 1000;
      connection.tls = tlsState(secure);
      requireTrusted(secure, target.tlsConfig);
      if (secure.alpnProtocol === 'h2') connection.protocol = 'HTTP/2.0';
      else watchProtocol(secure, connection);
      return secure;
    };
    run().then(
      (socket) => {
        connection.readyAt = performance.now();
        callback(null, socket);
      },
      (error: unknown) => {
        connection.error = error instanceof ProbeError ? error : new ProbeError('connect_error', String(error));
        callback(connection.error, null);
      },
    );
  };
}
