/**
 * One DNS query/response exchange on the wire, over UDP or TCP (dns-packet's stream framing),
 * optionally TCP+TLS (DNS over TLS). Times the connect and request phases as miekg/dns does
 * (connect = everything before the query is written). Every socket and listener is released
 * when the exchange settles or `signal` aborts.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:net';
import dnsPacket, { type DecodedPacket } from 'dns-packet';
import type { TLSConfig } from '../net/config.js';
import { dial } from '../net/dial.js';
import { requireTrusted, startTLS } from '../net/tls.js';
import { ProbeError } from '../types.js';

/** Largest answer read over TCP; the length prefix caps it at 65535 anyway. */
const MAX_TCP_MESSAGE = 0xffff;

export interface ExchangeRequest {
  ip: string;
  family: 4 | 6;
  port: number;
  transport: 'udp' | 'tcp';
  /** When set, the TCP connection is wrapped in TLS with this config (server name: `tlsHost`). */
  tls?: { config: TLSConfig; host: string };
  sourceAddress?: string;
  /** The query message in wire format (stream-framed for TCP), and its id. */
  query: Buffer;
  id: number;
  signal: AbortSignal;
}

export interface ExchangeResult {
  response: DecodedPacket;
  connectSeconds: number;
  requestSeconds: number;
}

/** Timings so far are kept even when the exchange fails, for probe_dns_duration_seconds. */
export class ExchangeError extends ProbeError {
  connectSeconds = 0;
  requestSeconds = 0;
}

function seconds(from: number, to = performance.now()): number {
  return (to - from) / 1000;
}

function isResponseTo(message: DecodedPacket, request: ExchangeRequest): boolean {
  return message.type === 'response' && message.id === request.id;
}

function exchangeUDP(request: ExchangeRequest): Promise<ExchangeResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let sentAt: number | undefined;
    const socket = createSocket(request.family === 6 ? 'udp6' : 'udp4');
    let done = false;
    const finish = (outcome: ExchangeResult | ExchangeError): void => {
      if (done) return;
      done = true;
      request.signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners('message');
      socket.close();
      if (outcome instanceof ExchangeError) {
        outcome.connectSeconds = seconds(started, sentAt);
        outcome.requestSeconds = sentAt === undefined ? 0 : seconds(sentAt);
        reject(outcome);
      } else resolve(outcome);
    };
    const onAbort = (): void => finish(new ExchangeError('timeout', 'DNS query timed out: no answer before the deadline'));
    if (request.signal.aborted) return onAbort();
    request.signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A connected UDP socket reports the ICMP "port unreachable" answer as ECONNREFUSED.
      const reason = error.code === 'ECONNREFUSED' ? 'connect_refused' : 'connect_error';
      finish(new ExchangeError(reason, `DNS over UDP failed: ${error.message}`, { cause: error }));
    });
    socket.on('message', (message) => {
      let decoded: DecodedPacket;
      try {
        decoded = dnsPacket.decode(message);
      } catch {
        return; // not a DNS message: keep waiting for ours, as miekg/dns does
      }
      if (!isResponseTo(decoded, request)) return;
      const now = performance.now();
      finish({ response: decoded, connectSeconds: seconds(started, sentAt), requestSeconds: seconds(sentAt ?? now, now) });
    });
    socket.bind({ port: 0, address: request.sourceAddress }, () => {
      socket.connect(request.port, request.ip, () => {
        sentAt = performance.now();
        socket.send(request.query);
      });
    });
  });
}

function readFramedResponse(socket: Socket, request: ExchangeRequest): Promise<DecodedPacket> {
  return new Promise((resolve, reject) => {
    let pending = Buffer.alloc(0);
    let done = false;
    const finish = (outcome: DecodedPacket | ExchangeError): void => {
      if (done) return;
      done = true;
      request.signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners('data');
      socket.destroy();
      if (outcome instanceof ExchangeError) reject(outcome);
      else resolve(outcome);
    };
    const onAbort = (): void => finish(new ExchangeError('timeout', 'DNS query timed out: no answer before the deadline'));
    if (request.signal.aborted) return onAbort();
    request.signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (error) => finish(new ExchangeError('connect_error', `DNS over TCP failed: ${error.message}`, { cause: error })));
    socket.on('end', () => finish(new ExchangeError('protocol', 'DNS over TCP: connection closed before a full answer')));
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2) {
        const size = 2 + pending.readUInt16BE(0);
        if (pending.length < size) return;
        const message = pending.subarray(0, size);
        pending = pending.subarray(size);
        let decoded: DecodedPacket;
        try {
          decoded = dnsPacket.streamDecode(message) as DecodedPacket;
        } catch (error) {
          return finish(new ExchangeError('protocol', `DNS over TCP: undecodable answer: ${(error as Error).message}`));
        }
        if (isResponseTo(decoded, request)) return finish(decoded);
      }
      if (pending.length > 2 + MAX_TCP_MESSAGE) finish(new ExchangeError('protocol', 'DNS over TCP: oversized answer'));
    });
    socket.write(request.query);
  });
}

async function exchangeTCP(request: ExchangeRequest): Promise<ExchangeResult> {
  const started = performance.now();
  let sentAt: number | undefined;
  try {
    let socket: Socket;
    try {
      socket = await dial(
        { host: request.ip, family: request.family, port: request.port, sourceAddress: request.sourceAddress, label: `${request.ip} port ${request.port}` },
        request.signal,
      );
    } catch (error) {
      const failure = error as ProbeError;
      throw new ExchangeError(failure.reason, `DNS over TCP: ${failure.message}`, { cause: error });
    }
    if (request.tls !== undefined) {
      try {
        const secure = await startTLS(socket, request.tls.config, request.tls.host, request.signal);
        requireTrusted(secure, request.tls.config);
        socket = secure;
      } catch (error) {
        const failure = error as ProbeError;
        throw new ExchangeError(failure.reason, failure.message, { cause: error });
      }
    }
    sentAt = performance.now();
    const response = await readFramedResponse(socket, request);
    const now = performance.now();
    return { response, connectSeconds: seconds(started, sentAt), requestSeconds: seconds(sentAt, now) };
  } catch (error) {
    if (error instanceof ExchangeError) {
      error.connectSeconds = seconds(started, sentAt);
      error.requestSeconds = sentAt === undefined ? 0 : seconds(sentAt);
    }
    throw error;
  }
}

export function exchange(request: ExchangeRequest): Promise<ExchangeResult> {
  return request.transport === 'udp' ? exchangeUDP(request) : exchangeTCP(request);
}
