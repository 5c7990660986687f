/**
 * A real gRPC server (@grpc/grpc-js) with the standard health service (grpc-health-check) on
 * 127.0.0.1, plain or TLS; stopped when the test ends.
 */
import type { TestContext } from 'node:test';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatusMap } from 'grpc-health-check';

export interface GrpcHealthServer {
  port: number;
  health: HealthImplementation;
}

export interface GrpcHealthServerOptions {
  /** Status per service name; '' is the whole server. */
  statuses: ServingStatusMap;
  /** PEM certificate and key: serve TLS (ALPN h2) instead of h2c. */
  tls?: { cert: string; key: string };
}

export async function startGrpcHealthServer(t: TestContext, options: GrpcHealthServerOptions): Promise<GrpcHealthServer> {
  const server = new Server();
  const health = new HealthImplementation(options.statuses);
  health.addToServer(server);
  const credentials =
    options.tls === undefined
      ? ServerCredentials.createInsecure()
      : ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(options.tls.cert), private_key: Buffer.from(options.tls.key) }]);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error === null ? resolve(bound) : reject(error)));
  });
  t.after(() => server.forceShutdown());
  return { port, health };
}
