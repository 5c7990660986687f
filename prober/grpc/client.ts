/**
 * One unary grpc.health.v1.Health/Check call over Node's http2, on a socket the caller connected
 * (plain, or TLS with ALPN h2). The session and its socket are destroyed when the call settles or
 * `signal` aborts.
 */
import { connect as http2Connect, constants, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import type { Socket } from 'node:net';
import { raceAbort } from '../../common/abort.js';
import { decodeHealthCheckResponse, encodeHealthCheckRequest, frameMessage, HEALTH_CHECK_PATH, unframeMessage } from './health-proto.js';

/** gRPC status codes used here (google.golang.org/grpc/codes). */
export const GRPC_OK = 0;
const GRPC_UNKNOWN = 2;
export const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_INTERNAL = 13;
export const GRPC_UNAVAILABLE = 14;

/** A health response is a few bytes; anything past this is not one. */
const MAX_BODY_BYTES = 64 * 1024;

export interface CheckResult {
  grpcStatus: number;
  grpcMessage: string;
  /** The ServingStatus number, when the call returned a message. */
  servingStatus?: number;
}

/** gRPC's HTTP-to-gRPC status mapping, for responses that are not gRPC at all. */
function statusFromHTTP(httpStatus: number): number {
  switch (httpStatus) {
    case 400:
      return GRPC_INTERNAL;
    case 401:
      return 16; // UNAUTHENTICATED
    case 403:
      return 7; // PERMISSION_DENIED
    case 404:
      return 12; // UNIMPLEMENTED
    case 429:
    case 502:
    case 503:
    case 504:
      return GRPC_UNAVAILABLE;
    default:
      return GRPC_UNKNOWN;
  }
}

function grpcStatusOf(headers: IncomingHttpHeaders): number | undefined {
  const value = headers['grpc-status'];
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
}

function grpcMessageOf(headers: IncomingHttpHeaders): string {
  const value = headers['grpc-message'];
  if (typeof value !== 'string') return '';
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export async function checkHealth(socket: Socket, authority: string, service: string, signal: AbortSignal): Promise<CheckResult> {
  if (signal.aborted) {
    socket.destroy();
    return DEADLINE_EXCEEDED;
  }
  const session = http2Connect(authority, { createConnection: () => socket });
  try {
    return await raceAbort(healthCheck(session, service), signal);
  } catch (error) {
    if (signal.aborted) return DEADLINE_EXCEEDED;
    throw error;
  } finally {
    session.destroy();
    socket.destroy();
  }
}

const DEADLINE_EXCEEDED: CheckResult = { grpcStatus: GRPC_DEADLINE_EXCEEDED, grpcMessage: 'context deadline exceeded' };

/** The call on `session`: settles with its outcome, once, whatever the server does. */
function healthCheck(session: ClientHttp2Session, service: string): Promise<CheckResult> {
  // The first outcome wins: a promise settles once.
  return new Promise((finish) => {
    session.on('error', (error) => finish({ grpcStatus: GRPC_UNAVAILABLE, grpcMessage: `connection error: ${error.message}` }));
    session.on('goaway', () => finish({ grpcStatus: GRPC_UNAVAILABLE, grpcMessage: 'the server sent GOAWAY' }));
    const stream = session.request({
      [constants.HTTP2_HEADER_METHOD]: 'POST',
      [constants.HTTP2_HEADER_PATH]: HEALTH_CHECK_PATH,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('response', (received) => (headers = received));
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return finish({ grpcStatus: GRPC_INTERNAL, grpcMessage: `response larger than ${MAX_BODY_BYTES} bytes` });
      chunks.push(chunk);
    });
    let trailers: IncomingHttpHeaders = {};
    stream.on('trailers', (received) => (trailers = received));
    stream.on('error', (error) => finish({ grpcStatus: GRPC_UNAVAILABLE, grpcMessage: `stream error: ${error.message}` }));
    stream.on('close', () => {
      const httpStatus = Number(headers[constants.HTTP2_HEADER_STATUS] ?? 0);
      // A "trailers-only" error response carries grpc-status in its headers.
      const status = grpcStatusOf(trailers) ?? grpcStatusOf(headers);
      const message = grpcMessageOf(trailers) || grpcMessageOf(headers);
      if (httpStatus !== 200) return finish({ grpcStatus: statusFromHTTP(httpStatus), grpcMessage: `unexpected HTTP status ${httpStatus}` });
      if (status === undefined) return finish({ grpcStatus: GRPC_INTERNAL, grpcMessage: 'response without grpc-status' });
      if (status !== GRPC_OK) return finish({ grpcStatus: status, grpcMessage: message });
      try {
        finish({ grpcStatus: GRPC_OK, grpcMessage: message, servingStatus: decodeHealthCheckResponse(unframeMessage(Buffer.concat(chunks))) });
      } catch (error) {
        finish({ grpcStatus: GRPC_INTERNAL, grpcMessage: `bad response message: ${(error as Error).message}` });
      }
    });
    stream.end(frameMessage(encodeHealthCheckRequest(service)));
  });
}
