/**
 * A fastify plugin serving metrics at a path: the host collectors (rendered directly, the fast
 * path), any prom-client registry, and the exporter's own metrics. Text 0.0.4 or OpenMetrics by
 * `Accept`, gzip by `Accept-Encoding`, node_exporter's `collect[]` / `exclude[]` filters.
 */
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';
import { renderOpenMetrics, renderText, type MetricFamily } from '../common/metrics.js';
import { renderRegistry } from './registry-render.js';
import { CollectorFilterError, type HostScraper } from './scrape.js';
import { SelfMetrics } from './self-metrics.js';

const gzip = promisify(gzipCallback);

export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

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

/** The highest `q` the header gives to any of `types` (-1 when none is listed). */
function quality(header: string, types: readonly string[]): number {
  let best = -1;
  for (const part of header.split(',')) {
    const [type = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    if (!types.includes(type)) continue;
    const q = params.find((param) => param.startsWith('q='));
    best = Math.max(best, q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  return best;
}

export function wantsOpenMetrics(accept: string | undefined): boolean {
  if (accept === undefined || !accept.includes('openmetrics')) return false;
  const openMetrics = quality(accept, ['application/openmetrics-text']);
  return openMetrics > 0 && openMetrics >= quality(accept, ['text/plain', '*/*']);
}

export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  return acceptEncoding !== undefined && acceptEncoding.includes('gzip') && quality(acceptEncoding, ['gzip']) > 0;
}

function queryList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

export const metricsPlugin: FastifyPluginAsync<MetricsPluginOptions> = async (app, { path = '/metrics', host, registry, exporterMetrics = true }) => {
  const self = exporterMetrics ? new SelfMetrics() : undefined;

  const answer = async (reply: FastifyReply, status: number, body: string, contentType: string, compress: boolean): Promise<FastifyReply> => {
    self?.countResponse(status);
    reply.code(status).header('content-type', contentType);
    if (!compress) return reply.send(body);
    return reply.header('content-encoding', 'gzip').header('vary', 'Accept-Encoding').send(await gzip(body));
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
      const openMetrics = wantsOpenMetrics(request.headers.accept);
      const render = openMetrics ? renderOpenMetrics : renderText;
      const [hostFamilies, registryText] = await Promise.all([
        host?.scrape(only) ?? Promise.resolve<MetricFamily[]>([]),
        registry === undefined ? '' : renderRegistry(registry, openMetrics),
      ]);
      let body = render(hostFamilies) + registryText;
      if (self !== undefined) body += render(self.collect().families());
      if (openMetrics) body += '# EOF\n';
      return await answer(reply, 200, body, openMetrics ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE, acceptsGzip(request.headers['accept-encoding']));
    } catch (error) {
      request.log.error({ err: (error as Error).message }, 'error gathering metrics');
      return await answer(reply, 500, `An error has occurred while serving metrics:\n\n${(error as Error).message}\n`, 'text/plain; charset=utf-8', false);
    } finally {
      if (self !== undefined) self.inFlight--;
    }
  });
};
