/**
 * The HTTP(S) server both programs run: fastify with the web config applied (TLS, client
 * certificates, basic auth, headers), explicit timeouts, an optional cap on authenticated in-flight requests,
 * Prometheus-style listen addresses and a graceful stop on SIGINT/SIGTERM.
 */
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TLSSocket } from 'node:tls';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Logger } from './logging.js';
import { BasicAuthVerifier } from './basic-auth.js';
import type { TLSServerConfig, WebConfig } from './web-config.js';

export interface ServerOptions {
  logger: Logger;
  webConfig?: WebConfig;
  /** Authenticated requests in flight at once; beyond it 503 (`--web.max-requests`; 0 = no limit). */
  maxRequests?: number;
  /** Whole-request deadline (default 60 s). */
  requestTimeoutMs?: number;
}

function httpsOptions(tls: TLSServerConfig) {
  const asksForCert = tls.clientAuth !== 'NoClientCert';
  return {
    cert: tls.cert,
    key: tls.key,
    ca: tls.clientCA,
    minVersion: tls.minVersion,
    maxVersion: tls.maxVersion,
    requestCert: asksForCert,
    // Only this policy can be left to Node's handshake; the others are checked on the connection below.
    rejectUnauthorized: tls.clientAuth === 'RequireAndVerifyClientCert',
  };
}

/** Closes connections whose client certificate does not satisfy the policy Node cannot express. */
function enforceClientAuth(app: FastifyInstance, tls: TLSServerConfig): void {
  if (tls.clientAuth !== 'RequireAnyClientCert' && tls.clientAuth !== 'VerifyClientCertIfGiven') return;
  app.server.on('secureConnection', (socket: TLSSocket) => {
    const given = Object.keys(socket.getPeerCertificate()).length > 0;
    if (tls.clientAuth === 'RequireAnyClientCert' ? !given : given && !socket.authorized) socket.destroy();
  });
}

function limitInFlight(app: FastifyInstance, maxRequests: number): void {
  let inFlight = 0;
  app.addHook('onRequest', async (request, reply) => {
    if (inFlight >= maxRequests) {
      await reply.code(503).type('text/plain; charset=utf-8').send(`Limit of concurrent requests reached (${maxRequests}), try again later.\n`);
      return reply;
    }
    inFlight++;
    reply.raw.once('close', () => inFlight--);
    return undefined;
  });
}

/**
 * A refused login is answered after this pause (as login programs do): a client that waits for
 * each answer, as a password-guessing flood does, then sends at most a few requests a second per
 * connection, and the event loop stays free for the scrapes that log in.
 */
const FAILED_LOGIN_DELAY_MS = 250;

/**
 * Route config (`app.get(url, { config: PUBLIC_ROUTE }, handler)`) that exempts that one route
 * from basic auth; TLS and its client certificate policy still apply.
 */
export const PUBLIC_ROUTE = { publicAccess: true } as const;

function requireBasicAuth(app: FastifyInstance, verifier: BasicAuthVerifier): void {
  app.addHook('onRequest', async (request, reply) => {
    if ((request.routeOptions.config as { publicAccess?: unknown } | undefined)?.publicAccess === true) return undefined;
    const outcome = await verifier.check(request.headers.authorization);
    if (outcome === 'ok') return undefined;
    await sleep(FAILED_LOGIN_DELAY_MS);
    if (outcome === 'busy') {
      await reply.code(503).header('Retry-After', '1').type('text/plain; charset=utf-8').send('Too many logins being checked, try again later.\n');
    } else {
      await reply.code(401).header('WWW-Authenticate', 'Basic').type('text/plain; charset=utf-8').send('Unauthorized\n');
    }
    return reply;
  });
  app.addHook('onClose', () => verifier.close());
}

const CLIENT_ERRORS: Readonly<Record<string, readonly [number, string]>> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
};

/**
 * Answers a request Node cannot parse (unknown method, bad header, head over the size limit) and
 * closes its connection, saying so: without `Connection: close` a keep-alive client would send its
 * next request on the closed socket.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, text] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'Bad Request'];
  if (!socket.writable) return void socket.destroy();
  // No body: the request may have been a HEAD, which cannot be known from a request that did not parse.
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}

/** A fastify instance with the web config applied; routes are added by the caller. */
type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type ValidatorFactory = NonNullable<CompilersFactory['buildValidator']>;
type SerializerFactory = NonNullable<CompilersFactory['buildSerializer']>;

// Fastify's own compilers, resolved from where fastify is installed (they are its dependencies, not ours).
const requireFromFastify = createRequire(import.meta.resolve('fastify'));
type Factory = (...args: unknown[]) => unknown;
let validatorFactory: Factory | undefined;
let serializerFactory: Factory | undefined;

/**
 * Fastify loads ajv and fast-json-stringify (~100 modules, several MiB of RSS) when it starts;
 * these load them only once a route with a schema needs one (the notifier's), as fastify's defaults would.
 */
const LAZY_SCHEMA_COMPILERS = {
  buildValidator: ((...args: unknown[]) => (validatorFactory ??= (requireFromFastify('@fastify/ajv-compiler') as () => Factory)())(...args)) as unknown as ValidatorFactory,
  buildSerializer: ((...args: unknown[]) => (serializerFactory ??= (requireFromFastify('@fastify/fast-json-stringify-compiler') as () => Factory)())(...args)) as unknown as SerializerFactory,
};

export function createServer({ logger, webConfig, maxRequests = 0, requestTimeoutMs = 60_000 }: ServerOptions): FastifyInstance {
  const tls = webConfig?.tls;
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    requestTimeout: requestTimeoutMs,
    // Prometheus keeps connections open between scrapes; Node's 5 s default would close them under it.
    keepAliveTimeout: 120_000,
    connectionTimeout: requestTimeoutMs + 5_000,
    return503OnClosing: true,
    clientErrorHandler: answerClientError,
    schemaController: { compilersFactory: LAZY_SCHEMA_COMPILERS },
    ...(tls === undefined ? {} : { https: httpsOptions(tls) }),
  }) as unknown as FastifyInstance; // the HTTPS instance serves the same routes; one type keeps callers simple

  if (tls !== undefined) enforceClientAuth(app, tls);
  const users = webConfig?.basicAuthUsers ?? new Map<string, string>();
  if (users.size > 0) requireBasicAuth(app, new BasicAuthVerifier(users));
  // After authentication, so that only authenticated requests take the slots.
  if (maxRequests > 0) limitInFlight(app, maxRequests);
  const headers = Object.entries(webConfig?.headers ?? {});
  if (headers.length > 0) {
    app.addHook('onSend', async (_request, reply) => {
      for (const [name, value] of headers) reply.header(name, value);
    });
  }
  return app;
}

export interface ListenAddress {
  /** undefined = every interface. */
  host: string | undefined;
  port: number;
}

/** `:9100` (all interfaces), `127.0.0.1:0`, `[::1]:9100`, `localhost:9100`. */
export function parseListenAddress(address: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d+)$/.exec(address);
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || port > 65535) throw new Error(`invalid listen address ${JSON.stringify(address)} (expected host:port, :port or [ipv6]:port)`);
  const host = match[1] ?? match[2];
  return { host: host === '' ? undefined : host, port };
}

/** Listens (fastify logs where); returns the bound address in `host:port` form (the port resolved when 0). */
export async function listen(app: FastifyInstance, address: string): Promise<string> {
  const { host, port } = parseListenAddress(address);
  try {
    await app.listen({ host: host ?? '::', port });
  } catch (error) {
    // A host without IPv6 cannot bind `::`; all IPv4 interfaces is the next best meaning of `:port`.
    if (host !== undefined || (error as NodeJS.ErrnoException).code !== 'EAFNOSUPPORT') throw error;
    await app.listen({ host: '0.0.0.0', port });
  }
  const bound = app.server.address();
  app.log.info(`TLS is ${app.initialConfig.https === undefined ? 'disabled' : 'enabled'}.`);
  return typeof bound === 'object' && bound !== null ? (bound.family === 'IPv6' ? `[${bound.address}]:${bound.port}` : `${bound.address}:${bound.port}`) : address;
}

/** Stops the server on SIGINT/SIGTERM, letting in-flight requests finish, then exits. */
export function closeOnSignals(app: FastifyInstance): void {
  const stop = (signal: NodeJS.Signals): void => {
    app.log.info({ signal }, 'Shutting down');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
