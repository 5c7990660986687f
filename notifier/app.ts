/** The notifier's HTTP side: the Alertmanager webhook, its own /metrics and a health check. */
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../common/logging.js';
import { createServer } from '../common/server.js';
import type { WebConfig } from '../common/web-config.js';
import type { NotifierMetrics } from './metrics.js';
import type { Notifier } from './notify.js';
import { normalizeNotification, notificationSchema, type Notification } from './webhook.js';

export const WEBHOOK_PATH = '/alerts';

export interface NotifierAppOptions {
  notifier: Notifier;
  metrics: NotifierMetrics;
  logger: Logger;
  webConfig?: WebConfig;
  /** Largest webhook body accepted (413 beyond). */
  maxBodyBytes: number;
  /** Requests handled at once (503 beyond; Alertmanager retries). */
  maxRequests: number;
  requestTimeoutMs: number;
}

export function buildNotifierApp(options: NotifierAppOptions): FastifyInstance {
  const { notifier, metrics } = options;
  const app = createServer({
    logger: options.logger,
    webConfig: options.webConfig,
    maxRequests: options.maxRequests,
    requestTimeoutMs: options.requestTimeoutMs,
  });

  app.setErrorHandler(async (error: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (request.routeOptions.url === WEBHOOK_PATH && status < 500) metrics.received.inc({ result: 'invalid' });
    if (status >= 500) request.log.error({ err: error.message }, 'Request failed');
    await reply.code(status).type('text/plain; charset=utf-8').send(`${status < 500 ? error.message : 'internal error'}\n`);
  });

  app.post<{ Body: Notification }>(
    WEBHOOK_PATH,
    { bodyLimit: options.maxBodyBytes, schema: { body: notificationSchema } },
    async (request, reply) => {
      metrics.received.inc({ result: 'valid' });
      const deliveries = await notifier.notify(normalizeNotification(request.body));
      // Alertmanager retries on a 5xx: only when nothing got through, so a retry never repeats a delivered message.
      const delivered = deliveries.length === 0 || deliveries.some((delivery) => delivery.ok);
      return reply.code(delivered ? 200 : 502).send({ deliveries });
    },
  );

  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
  app.get('/-/healthy', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('Healthy\n'));
  return app;
}
