/**
 * Serving a metrics body, for both halves' `/metrics`: the format the scraper asked for, its
 * content type, and gzip when the scraper takes it.
 */
import { Readable, pipeline } from 'node:stream';
import { promisify } from 'node:util';
import { createGzip, gzip as gzipCallback } from 'node:zlib';
import type { FastifyReply } from 'fastify';
import { renderOpenMetrics, renderText, type MetricFamily } from './metrics.js';

const gzip = promisify(gzipCallback);

export type ExpositionFormat = 'text' | 'openmetrics';

export const CONTENT_TYPES: Readonly<Record<ExpositionFormat, string>> = Object.freeze({
  text: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
});

/** Ends an OpenMetrics body; the text format has no end marker. */
export const END_OF_BODY: Readonly<Record<ExpositionFormat, string>> = Object.freeze({ text: '', openmetrics: '# EOF\n' });

// Not `negotiator`: it matches media-type parameters exactly, so Prometheus' `application/openmetrics-text;version=1.0.0` would fall back to text.
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

/** OpenMetrics when `Accept` ranks it at least as high as the text format, else text. */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (accept === undefined || !accept.includes('openmetrics')) return 'text';
  const openMetrics = quality(accept, ['application/openmetrics-text']);
  return openMetrics > 0 && openMetrics >= quality(accept, ['text/plain', '*/*']) ? 'openmetrics' : 'text';
}

export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  return acceptEncoding !== undefined && acceptEncoding.includes('gzip') && quality(acceptEncoding, ['gzip']) > 0;
}

/** Families in the negotiated format (without OpenMetrics' `# EOF`, so several sets can be joined). */
export function renderFamilies(families: Iterable<MetricFamily>, format: ExpositionFormat, constLabels = ''): string {
  return format === 'openmetrics' ? renderOpenMetrics(families, constLabels) : renderText(families, constLabels);
}

/** Sends `body` as `contentType` with `status`, gzipped when `compress`; an iterable body is streamed. */
export async function sendMetricsBody(
  reply: FastifyReply,
  status: number,
  body: string | Iterable<string> | AsyncIterable<string>,
  contentType: string,
  compress: boolean,
): Promise<FastifyReply> {
  reply.code(status).header('content-type', contentType);
  if (!compress) return reply.send(typeof body === 'string' ? body : Readable.from(body));
  reply.header('content-encoding', 'gzip').header('vary', 'Accept-Encoding');
  if (typeof body === 'string') return reply.send(await gzip(body));
  // pipeline destroys the gzip stream when the source fails, so the reply ends with the error.
  return reply.send(pipeline(Readable.from(body), createGzip(), () => undefined));
}
