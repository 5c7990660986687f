/**
 * The prober's HTTP endpoints, as blackbox_exporter serves them: `GET /probe`, `POST /-/reload`,
 * `GET /config`, `GET /-/healthy`, and the prober's own `/metrics` (reload gauges, unknown-module
 * counter, process metrics, plus whatever `metricSources` add, e.g. the scheduler's series).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { silentLogger, type Logger } from '../../common/logging.js';
import { acceptsGzip, CONTENT_TYPES, END_OF_BODY, negotiateFormat, renderFamilies, sendMetricsBody } from '../../common/exposition.js';
import { describeMetric, MetricFamilies, renderText } from '../../common/metrics.js';
import { collectProcessMetrics } from '../../common/process-metrics.js';
import type { ConfigStore } from '../config-store.js';
import { debugOutput, moduleYAML } from './debug.js';
import { checkTarget, DEFAULT_POLICY, type TargetPolicy } from '../net/policy.js';
import { DEFAULT_MODULE_NAME, DEFAULT_TIMEOUT_OFFSET_SECONDS, probe } from '../probe.js';
import { InvalidTargetError } from '../net/host-port.js';
import { logValue } from '../log-value.js';
import { MAX_PROBE_DEPTH, PROBE_DEPTH_HEADER, ProbeRequestError } from '../types.js';
import { TimeoutHeaderError } from '../deadline.js';

const moduleUnknownTotal = describeMetric('blackbox_module_unknown_total', 'Count of unknown modules requested by probes', 'counter');
const probesInFlight = describeMetric('platypus_prober_probes_in_flight', 'Probes from /probe running now.', 'gauge');
const probesRejectedTotal = describeMetric(
  'platypus_prober_probes_rejected_total',
  'Requests to /probe refused because --probe.max-concurrent probes were already running.',
  'counter',
);

export const DEFAULT_MAX_CONCURRENT_PROBES = 256;

export interface ProberPluginOptions {
  /** Where modules come from; reloaded by `POST /-/reload`. */
  store: ConfigStore;
  /** Subtracted from X-Prometheus-Scrape-Timeout-Seconds (`--timeout-offset`, default 0.5). */
  timeoutOffsetSeconds?: number;
  /** Which targets `/probe` may probe (default: link-local and cloud metadata denied). */
  policy?: TargetPolicy;
  /** Probes from `/probe` allowed at once; beyond it 503 (`--probe.max-concurrent`). */
  maxConcurrentProbes?: number;
  /** Where probe failures are logged (at debug level); default silent. */
  logger?: Logger;
  /**
   * More text for `/metrics`, in the Prometheus text format (e.g. the scheduler's series): a string,
   * or chunks of it, which are streamed so that a large exposition is never held whole.
   */
  metricSources?: ReadonlyArray<() => string | Iterable<string>>;
}

interface ProbeQuery {
  target?: string | string[];
  module?: string | string[];
  debug?: string | string[];
  hostname?: string | string[];
}

const TEXT = 'text/plain; charset=utf-8';

/** Go's `url.Values.Get`: the first value, '' when absent. */
function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** The PROBE_DEPTH_HEADER's value: 0 when absent; a value that is not a count reads as too deep. */
function probeDepth(header: string | string[] | undefined): number {
  if (header === undefined) return 0;
  const text = Array.isArray(header) ? header[0] ?? '' : header;
  return /^\d{1,6}$/.test(text.trim()) ? Number(text.trim()) : MAX_PROBE_DEPTH;
}

/** The loaded modules as YAML, secrets redacted (blackbox's `/config`). */
function configYAML(store: ConfigStore): string {
  let out = 'modules:\n';
  for (const [name, module] of store.current.modules) {
    out += `  ${JSON.stringify(name)}:\n`;
    out += moduleYAML(module).replace(/^(?=.)/gm, '    ');
  }
  return out;
}

export async function proberPlugin(app: FastifyInstance, options: ProberPluginOptions): Promise<void> {
  const { store, timeoutOffsetSeconds = DEFAULT_TIMEOUT_OFFSET_SECONDS, policy = DEFAULT_POLICY, logger = silentLogger() } = options;
  const maxConcurrent = options.maxConcurrentProbes ?? DEFAULT_MAX_CONCURRENT_PROBES;
  const metricSources = options.metricSources ?? [];
  let unknownModules = 0;
  let rejected = 0;
  let inFlight = 0;

  const bad = (reply: FastifyReply, code: number, message: string): FastifyReply => reply.code(code).type(TEXT).send(`${message}\n`);

  app.get('/probe', async (request: FastifyRequest<{ Querystring: ProbeQuery }>, reply) => {
    const query = request.query;
    const target = first(query.target);
    if (target === '') return bad(reply, 400, 'Target parameter is missing');
    const moduleName = first(query.module) || DEFAULT_MODULE_NAME;
    const module = store.current.modules.get(moduleName);
    if (module === undefined) {
      unknownModules++;
      request.log.debug({ module: logValue(moduleName), target: logValue(target) }, 'Unknown module');
      return bad(reply, 400, `Unknown module ${JSON.stringify(moduleName)}`);
    }
    const depth = probeDepth(request.headers[PROBE_DEPTH_HEADER]);
    if (depth >= MAX_PROBE_DEPTH) {
      return bad(reply, 400, `Probe chain too deep: ${PROBE_DEPTH_HEADER} is ${depth}, /probe answers probes up to depth ${MAX_PROBE_DEPTH - 1}`);
    }
    let allowed;
    try {
      allowed = checkTarget(target, policy);
    } catch (error) {
      if (error instanceof InvalidTargetError) return bad(reply, 400, error.message);
      throw error;
    }
    if (!allowed.allowed) return bad(reply, 400, `Target not allowed: ${allowed.reason}`);
    if (inFlight >= maxConcurrent) {
      rejected++;
      return bad(reply, 503, `Too many probes running (--probe.max-concurrent=${maxConcurrent}), try again later`);
    }

    const debug = first(query.debug) === 'true';
    inFlight++;
    let result;
    try {
      result = await probe({
        target,
        module,
        moduleName,
        scrapeTimeoutSeconds: request.headers['x-prometheus-scrape-timeout-seconds'] as string | undefined,
        timeoutOffsetSeconds,
        hostname: first(query.hostname),
        policy,
        logger,
        debug,
        depth,
      });
    } catch (error) {
      if (error instanceof ProbeRequestError || error instanceof TimeoutHeaderError) return bad(reply, 400, error.message);
      throw error;
    } finally {
      inFlight--;
    }
    if (debug) return reply.type(TEXT).send(debugOutput(result));
    const format = negotiateFormat(request.headers.accept);
    return reply.type(CONTENT_TYPES[format]).send(renderFamilies(result.families.families(), format) + END_OF_BODY[format]);
  });

  app.post('/-/reload', async (request, reply) => {
    try {
      await store.reload();
      return reply.type(TEXT).send('');
    } catch (error) {
      return bad(reply, 500, `failed to reload config: ${(error as Error).message}`);
    }
  });
  app.route({
    method: ['GET', 'PUT', 'DELETE'],
    url: '/-/reload',
    handler: async (_request, reply) => bad(reply, 405, 'This endpoint requires a POST request.'),
  });

  app.get('/config', async (_request, reply) => reply.type(TEXT).send(configYAML(store)));
  app.get('/-/healthy', async (_request, reply) => reply.type(TEXT).send('Healthy'));

  // The scheduler's sources render the text format, so /metrics is always text (compressed when asked).
  app.get('/metrics', async (request, reply) => {
    const families = new MetricFamilies();
    store.collect(families);
    families.add(moduleUnknownTotal, unknownModules);
    families.add(probesInFlight, inFlight);
    families.add(probesRejectedTotal, rejected);
    collectProcessMetrics(families);
    const own = renderText(families.families());
    function* exposition(): Generator<string> {
      yield own;
      for (const source of metricSources) {
        const text = source();
        if (typeof text === 'string') yield text;
        else yield* text;
      }
    }
    return sendMetricsBody(reply, 200, exposition(), CONTENT_TYPES.text, acceptsGzip(request.headers['accept-encoding']));
  });
}
