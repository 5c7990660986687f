/**
 * A fastify plugin serving metrics at a path: the host collectors (rendered directly, the fast
 * path), any prom-client registry, and the exporter's own metrics. Text 0.0.4 or OpenMetrics by
 * `Accept`, gzip by `Accept-Encoding`, node_exporter's `collect[]` / `exclude[]` filters.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';
import { acceptsGzip, CONTENT_TYPES, END_OF_BODY, negotiateFormat, renderFamilies, sendMetricsBody } from '../common/exposition.js';
import type { MetricFamily } from '../common/metrics.js';
import { renderRegistry } from './registry-render.js';
import { CollectorFilterError, type HostScraper } from './scrape.js';
import { SelfMetrics } from './self-metrics.js';

export interface MetricsPluginOptions {
  /** Default `/metrics`. */
  path?: string;
  /** The host collectors (what the CLI serves). */
  host?: HostScraper;
  /** Any prom-client registry, e.g. one with `registerHostCollectors` and `collectDefaultMetrics` on it. */
  registry?: Registry;
  /** `process_*` and `promhttp_metric_handler_*` about this process (default on; `--web.disable-exporter-metrics`). */
  exporterMetrics?: boolean;
}

function queryList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

export const metricsPlugin: FastifyPluginAsync<MetricsPluginOptions> = async (app, { path = '/metrics', host, registry, exporterMetrics = true }) => {
  const self = exporterMetrics ? new SelfMetrics() : undefined;

  const answer = (reply: FastifyReply, status: number, body: string, contentType: string, compress: boolean): Promise<FastifyReply> => {
    self?.countResponse(status);
    return sendMetricsBody(reply, status, body, contentType, compress);
  };

  app.get(path, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const collect = queryList(query['collect[]']);
    const exclude = queryList(query['exclude[]']);
    if (self !== undefined) self.inFlight++;
    try {
      let only: ReadonlySet<string> | undefined;
      if (host === undefined && collect.length + exclude.length > 0) {
        return await answer(reply, 400, 'collect[] and exclude[] select host collectors, and none are served here\n', 'text/plain; charset=utf-8', false);
      }
      try {
        only = host?.select(collect, exclude);
      } catch (error) {
        if (!(error instanceof CollectorFilterError)) throw error;
        return await answer(reply, 400, `${error.message}\n`, 'text/plain; charset=utf-8', false);
      }
      const format = negotiateFormat(request.headers.accept);
      const [hostFamilies, registryText] = await Promise.all([
        host?.scrape(only) ?? Promise.resolve<MetricFamily[]>([]),
        registry === undefined ? '' : renderRegistry(registry, format === 'openmetrics'),
      ]);
      let body = renderFamilies(hostFamilies, format) + registryText;
      if (self !== undefined) body += renderFamilies(self.collect(host?.gatheringErrors).families(), format);
      body += END_OF_BODY[format];
      return await answer(reply, 200, body, CONTENT_TYPES[format], acceptsGzip(request.headers['accept-encoding']));
    } catch (error) {
      request.log.error({ err: (error as Error).message }, 'error gathering metrics');
      return await answer(reply, 500, `An error has occurred while serving metrics:\n\n${(error as Error).message}\n`, 'text/plain; charset=utf-8', false);
    } finally {
      if (self !== undefined) self.inFlight--;
    }
  });
};
