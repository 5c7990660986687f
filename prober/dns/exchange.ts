/**
 * One DNS query/response exchange on the wire, over UDP or TCP (dns-packet's stream framing),
 * optionally TCP+TLS (DNS over TLS). Times the connect and request phases as miekg/dns does
 * (connect = everything before the query is written). Every socket and listener is released
 * when the exchange settles or `signal` aborts.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:net';
import dnsPacket, { type DecodedPacket } from 'dns-packet';
import { raceAbort } from '../../common/abort.js';
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
  constructor(
    failure: ProbeError,
    readonly connectSeconds: number,
    readonly requestSeconds: number,
  ) {
    super(failure.reason, failure.message, { cause: failure.cause });
  }
}

const TIMED_OUT = 'DNS query timed out: no answer before the deadline';

function seconds(from: number, to = performance.now()): number {
  return (to - from) / 1000;
}

function isResponseTo(message: DecodedPacket, request: ExchangeRequest): boolean {
  return message.type === 'response' && message.id === request.id;
}

/** Times one exchange: connect until the query is sent, request from then to the answer (or the failure). */
async function timed(request: ExchangeRequest, run: (sent: () => void) => Promise<DecodedPacket>): Promise<ExchangeResult> {
  const started = performance.now();
  let sentAt: number | undefined;
  try {
    const response = await run(() => (sentAt = performance.now()));
    const now = performance.now();
    return { response, connectSeconds: seconds(started, sentAt ?? now), requestSeconds: seconds(sentAt ?? now, now) };
  } catch (error) {
    const failure =
      error instanceof ProbeError
        ? error
        : request.signal.aborted
          ? new ProbeError('timeout', TIMED_OUT, { cause: error })
          : new ProbeError('connect_error', `DNS query failed: ${(error as Error).message}`, { cause: error });
    throw new ExchangeError(failure, seconds(started, sentAt), sentAt === undefined ? 0 : seconds(sentAt));
  }
}

function exchangeUDP(request: ExchangeRequest): Promise<ExchangeResult> {
  return timed(request, async (sent) => {
    const socket = createSocket(request.family === 6 ? 'udp6' : 'udp4');
    const answer = new Promise<DecodedPacket>((resolve, reject) => {
      socket.on('error', (error: NodeJS.ErrnoException) => {
        // A connected UDP socket reports the ICMP "port unreachable" answer as ECONNREFUSED.
        const reason = error.code === 'ECONNREFUSED' ? 'connect_refused' : 'connect_error';
        reject(new ProbeError(reason, `DNS over UDP failed: ${error.message}`, { cause: error }));
      });
      socket.on('message', (message) => {
        let decoded: DecodedPacket;
        try {
          decoded = dnsPacket.decode(message);
        } catch {
          return; // not a DNS message: keep waiting for ours, as miekg/dns does
        }
        if (isResponseTo(decoded, request)) resolve(decoded);
      });
      socket.bind({ port: 0, address: request.sourceAddress }, () => {
        // This callback is outside the probe's promise chain: what connect throws must fail the exchange here.
        try {
          socket.connect(request.port, request.ip, () => {
            sent();
            socket.send(request.query);
          });
        } catch (error) {
          reject(new ProbeError('connect_error', `DNS over UDP failed: ${(error as Error).message}`, { cause: error }));
        }
      });
    });
    try {
      return await raceAbort(answer, request.signal);
    } finally {
      socket.removeAllListeners('message');
      socket.close();
    }
  });
}

/** Reads length-prefixed messages (dns-packet's stream framing) until the answer to `request`. */
function readFramedResponse(socket: Socket, request: ExchangeRequest): Promise<DecodedPacket> {
  return new Promise((resolve, reject) => {
    let pending = Buffer.alloc(0);
    socket.on('error', (error) => reject(new ProbeError('connect_error', `DNS over TCP failed: ${error.message}`, { cause: error })));
    socket.on('end', () => reject(new ProbeError('protocol', 'DNS over TCP: connection closed before a full answer')));
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
          return reject(new ProbeError('protocol', `DNS over TCP: undecodable answer: ${(error as Error).message}`));
        }
        if (isResponseTo(decoded, request)) return resolve(decoded);
      }
      if (pending.length > 2 + MAX_TCP_MESSAGE) reject(new ProbeError('protocol', 'DNS over TCP: oversized answer'));
    });
  });
}

function exchangeTCP(request: ExchangeRequest): Promise<ExchangeResult> {
  return timed(request, async (sent) => {
    let socket: Socket = await dial(
      { host: request.ip, family: request.family, port: request.port, sourceAddress: request.sourceAddress, label: `${request.ip} port ${request.port}` },
      request.signal,
    ).catch((error: ProbeError) => {
      throw new ProbeError(error.reason, `DNS over TCP: ${error.message}`, { cause: error });
    });
    try {
      if (request.tls !== undefined) {
        const secure = await startTLS(socket, request.tls.config, request.tls.host, request.signal);
        socket = secure;
        requireTrusted(secure, request.tls.config);
      }
      const answer = readFramedResponse(socket, request);
      sent();
      socket.write(request.query);
      return await raceAbort(answer, request.signal);
    } finally {
      socket.removeAllListeners('data');
      socket.destroy();
    }
  });
}

export function exchange(request: ExchangeRequest): Promise<ExchangeResult> {
  return request.transport === 'udp' ? exchangeUDP(request) : exchangeTCP(request);
}
