/**
 * The HTTP prober, blackbox 0.23's http.go over undici: a new connection per hop (an undici Client
 * with our own connector), redirects followed by hand so every hop is resolved, checked against
 * the target policy and timed; phase durations summed over hops.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Client } from 'undici';
import { describeMetric, type MetricSink } from '../../common/metrics.js';
import { testEach } from '../../common/regex.js';
import { VERSION } from '../../common/version.js';
import { chooseProtocol, resolveTarget, type ResolvedAddress } from '../net/resolve.js';
import { addTLSMetrics } from '../net/tls.js';
import { PROBE_DEPTH_HEADER, ProbeError, type FailureReason, type ProbeContext, type ProbeFn } from '../types.js';
import { readBody, DEFAULT_BODY_SIZE_LIMIT, type BodyResult } from './body.js';
import type { HeaderMatch, HTTPProbeConfig } from './config.js';
import { hopConnector, type HopConnection, type HopTarget } from './connector.js';

const probeHTTPDurationSeconds = describeMetric(
  'probe_http_duration_seconds',
  'Duration of http request by phase, summed over all redirects',
  'gauge',
  ['phase'],
);
const probeHTTPContentLength = describeMetric('probe_http_content_length', 'Length of http content response', 'gauge');
const probeHTTPUncompressedBodyLength = describeMetric(
  'probe_http_uncompressed_body_length',
  'Length of uncompressed response body',
  'gauge',
);
const probeHTTPRedirects = describeMetric('probe_http_redirects', 'The number of redirects', 'gauge');
const probeHTTPSSL = describeMetric('probe_http_ssl', 'Indicates if SSL was used for the final redirect', 'gauge');
const probeHTTPStatusCode = describeMetric('probe_http_status_code', 'Response HTTP status code', 'gauge');
const probeHTTPVersion = describeMetric('probe_http_version', 'Returns the version of HTTP of the probe response', 'gauge');
const probeFailedDueToRegex = describeMetric('probe_failed_due_to_regex', 'Indicates if probe failed due to regex', 'gauge');
const probeHTTPLastModified = describeMetric(
  'probe_http_last_modified_timestamp_seconds',
  'Returns the Last-Modified HTTP response header in unixtime',
  'gauge',
);

// In Go's sorted label order, as blackbox prints them.
const PHASES = ['connect', 'processing', 'resolve', 'tls', 'transfer'] as const;
type Phase = (typeof PHASES)[number];
const PHASE_LABELS = PHASES.map((phase) => [phase] as const);
const MAX_REDIRECTS = 10;
/** The statuses Go's client follows (with a Location header). */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = `Platypus Prober/${VERSION}`;
/** Go's client default (http.Transport's MaxResponseHeaderBytes), which blackbox uses; undici's own is 16 KiB. */
const MAX_RESPONSE_HEADER_BYTES = 10 * 1024 * 1024;

interface Outcome {
  phases: Record<Phase, number>;
  statusCode: number;
  contentLength: number;
  uncompressedLength: number;
  redirects: number;
  ssl: boolean;
  version: number;
  failedDueToRegex: boolean;
  lastModified?: number;
}

interface HopResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Readable;
  connection: HopConnection;
}

function headerValues(headers: IncomingHttpHeaders, name: string): string[] {
  const value = headers[name.toLowerCase()];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** blackbox's matchRegularExpressionsOnHeaders: why the headers fail, or undefined. */
function headerMismatch(headers: IncomingHttpHeaders, failIfMatches: readonly HeaderMatch[], failIfNotMatches: readonly HeaderMatch[]): string | undefined {
  for (const spec of failIfMatches) {
    const values = headerValues(headers, spec.header);
    if (values.length === 0 && !spec.allow_missing) return `missing required header ${spec.header}`;
    if (values.some((value) => spec.regexp.test(value))) return `header ${spec.header} matched ${spec.regexp.source}`;
  }
  for (const spec of failIfNotMatches) {
    const values = headerValues(headers, spec.header);
    if (values.length === 0) {
      if (spec.allow_missing) continue;
      return `missing required header ${spec.header}`;
    }
    if (!values.some((value) => spec.regexp.test(value))) return `header ${spec.header} did not match ${spec.regexp.source}`;
  }
  return undefined;
}

function statusAccepted(config: HTTPProbeConfig, status: number): boolean {
  if (config.valid_status_codes.length === 0) return status >= 200 && status < 300;
  return config.valid_status_codes.some((range) => status >= range.min && status <= range.max);
}

function requestHeaders(config: HTTPProbeConfig, url: URL, sameHostAsTarget: boolean, depth: number): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': USER_AGENT, [PROBE_DEPTH_HEADER]: String(depth + 1) };
  for (const [name, value] of Object.entries(config.headers)) {
    const lower = name.toLowerCase();
    // As Go's client: a configured Host and credentials do not follow a redirect to another host.
    if (!sameHostAsTarget && (lower === 'host' || lower === 'authorization')) continue;
    headers[lower] = value;
  }
  if (headers.host === undefined) headers.host = url.host;
  if (sameHostAsTarget && config.basic_auth !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${config.basic_auth.username}:${config.basic_auth.password ?? ''}`).toString('base64')}`;
  } else if (sameHostAsTarget && config.bearer_token !== undefined) {
    headers.authorization = `Bearer ${config.bearer_token}`;
  }
  if (config.compression !== '' && headers['accept-encoding'] === undefined) headers['accept-encoding'] = config.compression;
  return headers;
}

function defaultPort(url: URL): number {
  return url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

function requestFailure(error: unknown, connection: HopConnection, signal: AbortSignal): ProbeError {
  if (connection.error !== undefined) return connection.error;
  if (error instanceof ProbeError) return error;
  if (signal.aborted) return new ProbeError('timeout', 'HTTP request timed out', { cause: error });
  const code = (error as { code?: string }).code ?? '';
  const reason = code.startsWith('HPE_') || code === 'UND_ERR_INVALID_ARG' ? 'protocol' : 'connect_error';
  return new ProbeError(reason, `HTTP request failed: ${(error as Error).message}`, { cause: error });
}

/** A hop that failed, with the connect and TLS timings (and certificate) it got before failing. */
class HopError extends ProbeError {
  constructor(
    failure: ProbeError,
    readonly connection: HopConnection,
  ) {
    super(failure.reason, failure.message, { cause: failure.cause });
  }
}

const EXCHANGE_FINISHED = new Error('probe exchange finished');

/** One request over a new connection; the Client is destroyed when `done` is called. */
async function exchange(
  url: URL,
  address: ResolvedAddress | undefined,
  config: HTTPProbeConfig,
  request: { method: string; body: string | undefined; headers: Record<string, string> },
  context: ProbeContext,
): Promise<HopResponse & { done(graceful?: boolean): void }> {
  const https = url.protocol === 'https:';
  const proxy = config.proxy_url === undefined ? undefined : new URL(config.proxy_url);
  const urlHost = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const target: HopTarget = {
    host: proxy?.hostname ?? address?.ip ?? urlHost,
    port: proxy !== undefined ? defaultPort(proxy) : defaultPort(url),
    tlsHost: urlHost,
    https,
    tlsConfig: config.tls_config,
    http2: config.enable_http2,
  };
  if (config.source_ip_address !== undefined) target.localAddress = config.source_ip_address;
  if (proxy !== undefined && https) target.tunnelTo = `${url.hostname}:${defaultPort(url)}`;
  const connection: HopConnection = { connectSeconds: 0, tlsSeconds: 0, readyAt: 0 };
  const viaPlainProxy = proxy !== undefined && !https;
  const client = new Client(viaPlainProxy ? proxy.origin : url.origin, {
    connect: hopConnector(target, context.signal, connection),
    allowH2: https && config.enable_http2,
    // The probe's deadline (context.signal) bounds every wait; undici's own timers would only race it.
    headersTimeout: 0,
    bodyTimeout: 0,
    keepAliveTimeout: 1,
    pipelining: 1,
    maxHeaderSize: MAX_RESPONSE_HEADER_BYTES,
  });
  // A finished exchange has nothing in flight to tell: one shared reason instead of the error (and stack) undici makes per close.
  const done = (graceful = false): void => void (graceful ? client.destroy(EXCHANGE_FINISHED) : client.destroy()).catch(() => undefined);
  try {
    const response = await client.request({
      path: viaPlainProxy ? url.href : `${url.pathname}${url.search}`,
      method: request.method as 'GET',
      headers: request.headers,
      body: request.body,
      signal: context.signal,
    });
    // Errors after the probe stopped reading (redirect, deadline) have nobody left to tell.
    response.body.on('error', () => undefined);
    return { statusCode: response.statusCode, headers: response.headers, body: response.body, connection, done };
  } catch (error) {
    done();
    throw new HopError(requestFailure(error, connection, context.signal), connection);
  }
}

function emit(sink: MetricSink, outcome: Outcome): void {
  for (const [i, phase] of PHASES.entries()) sink.add(probeHTTPDurationSeconds, outcome.phases[phase], PHASE_LABELS[i]);
  sink.add(probeHTTPContentLength, outcome.contentLength);
  sink.add(probeHTTPUncompressedBodyLength, outcome.uncompressedLength);
  sink.add(probeHTTPRedirects, outcome.redirects);
  sink.add(probeHTTPSSL, outcome.ssl ? 1 : 0);
  sink.add(probeHTTPStatusCode, outcome.statusCode);
  sink.add(probeHTTPVersion, outcome.version);
  sink.add(probeFailedDueToRegex, outcome.failedDueToRegex ? 1 : 0);
  if (outcome.lastModified !== undefined) sink.add(probeHTTPLastModified, outcome.lastModified);
}

function contentLength(headers: IncomingHttpHeaders, status: number): number {
  const header = headers['content-length'];
  if (header !== undefined && /^\d+$/.test(header)) return Number(header);
  // Go's resp.ContentLength: 0 when there can be no body, -1 when unknown.
  return status === 204 || status === 304 || (status >= 100 && status < 200) ? 0 : -1;
}

function protocolVersion(protocol: string | undefined): number {
  const match = protocol === undefined ? null : /^HTTP\/(\d)\.(\d)$/.exec(protocol);
  return match === null ? 0 : Number(match[1]) + Number(match[2]) / 10;
}

/** blackbox's body regex checks, matched off the event loop for large bodies; a failure, or undefined. */
async function bodyMismatch(body: Buffer, config: HTTPProbeConfig, signal: AbortSignal): Promise<ProbeError | undefined> {
  const mustNotMatch = config.fail_if_body_matches_regexp;
  const mustMatch = config.fail_if_body_not_matches_regexp;
  let results: boolean[];
  try {
    results = await testEach([...mustNotMatch, ...mustMatch], body, signal);
  } catch (error) {
    if (signal.aborted) return new ProbeError('timeout', 'matching the response body timed out', { cause: error });
    return new ProbeError('internal', `matching the response body failed: ${(error as Error).message}`, { cause: error });
  }
  const matched = mustNotMatch.find((_, i) => results[i]);
  if (matched !== undefined) return new ProbeError('body_regex', `body matched ${matched.source}`);
  const missed = mustMatch.find((_, i) => !results[mustNotMatch.length + i]);
  if (missed !== undefined) return new ProbeError('body_regex', `body did not match ${missed.source}`);
  return undefined;
}

function redirectMethod(status: number, method: string): { method: string; keepBody: boolean } {
  if (status === 307 || status === 308) return { method, keepBody: true };
  return { method: method === 'HEAD' ? 'HEAD' : 'GET', keepBody: false };
}

/**
 * blackbox's checks of the final response, in its order; reads the body within the limit. Every
 * check still runs after one failed (they all report), and the first failure is returned.
 */
async function evaluateResponse(
  response: HopResponse & { done(graceful?: boolean): void },
  config: HTTPProbeConfig,
  outcome: Outcome,
  sink: MetricSink,
  signal: AbortSignal,
  { readBody: wanted = true } = {},
): Promise<ProbeError | undefined> {
  const { connection } = response;
  const headersAt = performance.now();
  const failures: ProbeError[] = [];
  const fail = (reason: FailureReason, message: string): void => void failures.push(new ProbeError(reason, message));
  outcome.statusCode = response.statusCode;
  outcome.contentLength = contentLength(response.headers, response.statusCode);
  if (!statusAccepted(config, response.statusCode)) fail('status_code', `Invalid HTTP response status code ${response.statusCode}`);
  if (failures.length === 0) {
    const mismatch = headerMismatch(response.headers, config.fail_if_header_matches, config.fail_if_header_not_matches);
    if (mismatch !== undefined) {
      outcome.failedDueToRegex = true;
      fail('header_regex', mismatch);
    }
  }
  const bodyRegexes = config.fail_if_body_matches_regexp.length + config.fail_if_body_not_matches_regexp.length > 0;
  let bodyResult: BodyResult = { wireBytes: 0, uncompressedBytes: 0 };
  if (wanted) {
    bodyResult = await readBody(response.body, {
      limit: config.body_size_limit > 0 ? config.body_size_limit : DEFAULT_BODY_SIZE_LIMIT,
      compression: config.compression === 'identity' ? '' : config.compression,
      keepBytes: failures.length === 0 && bodyRegexes,
      signal,
    });
  } else {
    response.body.destroy();
  }
  response.done(wanted && bodyResult.error === undefined);
  outcome.phases.transfer += (performance.now() - headersAt) / 1000;
  outcome.uncompressedLength = bodyResult.uncompressedBytes;
  // As blackbox, a body that cannot be read fails the probe but the other checks still report.
  if (bodyResult.error !== undefined) fail(bodyResult.error.reason, bodyResult.error.message);
  if (bodyResult.bytes !== undefined) {
    const mismatch = await bodyMismatch(bodyResult.bytes, config, signal);
    if (mismatch !== undefined) {
      if (mismatch.reason === 'body_regex') outcome.failedDueToRegex = true;
      failures.push(mismatch);
    }
  }
  outcome.version = protocolVersion(connection.protocol);
  if (config.valid_http_versions.length > 0) {
    const wanted = config.valid_http_versions.map((v) => (v === 'HTTP/2' ? 'HTTP/2.0' : v));
    if (!wanted.includes(connection.protocol ?? '')) fail('http_version', `Invalid HTTP version number ${connection.protocol ?? 'unknown'}`);
  }
  const lastModified = headerValues(response.headers, 'last-modified')[0];
  const lastModifiedMs = lastModified === undefined ? NaN : Date.parse(lastModified);
  if (!Number.isNaN(lastModifiedMs)) outcome.lastModified = lastModifiedMs / 1000;
  if (connection.tls !== undefined) {
    outcome.ssl = true;
    addTLSMetrics(sink, connection.tls);
    if (config.fail_if_ssl) fail('ssl_required', 'Final request was over SSL');
  } else if (config.fail_if_not_ssl) {
    fail('ssl_required', 'Final request was not over SSL');
  }
  return failures[0];
}

export const probeHTTP: ProbeFn = async (target, module, sink, context) => {
  const config = module.http;
  const outcome: Outcome = {
    phases: { connect: 0, processing: 0, resolve: 0, tls: 0, transfer: 0 },
    statusCode: 0,
    contentLength: 0,
    uncompressedLength: 0,
    redirects: 0,
    ssl: false,
    version: 0,
    failedDueToRegex: false,
  };
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(target) ? target : `http://${target}`);
  } catch {
    throw new ProbeError('protocol', `could not parse target URL ${target}`);
  }
  const targetHost = url.host;
  const skipResolve = config.proxy_url !== undefined && config.skip_resolve_phase_with_proxy;

  try {
    const hostOf = (u: URL): string => (u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname);
    let address: ResolvedAddress | undefined;
    if (skipResolve) {
      const denied = context.policy.checkHost(hostOf(url));
      if (denied !== undefined) throw new ProbeError('policy', denied);
    } else {
      address = await chooseProtocol(hostOf(url), config, sink, context);
      outcome.phases.resolve += address.lookupSeconds;
    }
    let method = config.method;
    let body = config.body;
    for (;;) {
      context.logger.debug({ url: url.href, host: url.host }, 'Making HTTP request');
      const requested = performance.now();
      let response: Awaited<ReturnType<typeof exchange>>;
      try {
        response = await exchange(url, address, config, { method, body, headers: requestHeaders(config, url, url.host === targetHost, context.depth ?? 0) }, context);
      } catch (error) {
        if (error instanceof HopError) {
          outcome.phases.connect += error.connection.connectSeconds;
          outcome.phases.tls += error.connection.tlsSeconds;
          // Our extension: an untrusted certificate's expiry is still reported, so it can alert.
          if (error.connection.tls !== undefined) addTLSMetrics(sink, error.connection.tls);
        }
        throw error;
      }
      const headersAt = performance.now();
      const { connection } = response;
      outcome.phases.connect += connection.connectSeconds;
      outcome.phases.tls += connection.tlsSeconds;
      outcome.phases.processing += (headersAt - (connection.readyAt || requested)) / 1000;
      context.logger.debug({ status_code: response.statusCode }, 'Received HTTP response');

      const location = headerValues(response.headers, 'location')[0];
      const isRedirect = REDIRECT_STATUSES.has(response.statusCode) && location !== undefined;
      // blackbox counts a redirect it was told not to follow too (Go's CheckRedirect runs either way).
      if (isRedirect && !config.follow_redirects) outcome.redirects++;
      if (isRedirect && config.follow_redirects && outcome.redirects >= MAX_REDIRECTS) {
        // As Go's client: the refused redirect is counted and its response is the final one, unread.
        outcome.redirects++;
        await evaluateResponse(response, config, outcome, sink, context.signal, { readBody: false });
        throw new ProbeError('redirect', `stopped after ${MAX_REDIRECTS} redirects`);
      }
      if (isRedirect && config.follow_redirects) {
        response.body.destroy();
        response.done();
        outcome.redirects++;
        const next = new URL(location, url);
        if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new ProbeError('redirect', `redirect to unsupported URL ${next.href}`);
        const redirected = redirectMethod(response.statusCode, method);
        method = redirected.method;
        if (!redirected.keepBody) body = undefined;
        url = next;
        if (!skipResolve) {
          address = await resolveTarget(hostOf(url), config, context);
          outcome.phases.resolve += address.lookupSeconds;
        } else {
          const denied = context.policy.checkHost(hostOf(url));
          if (denied !== undefined) throw new ProbeError('policy', denied);
        }
        continue;
      }

      const failure = await evaluateResponse(response, config, outcome, sink, context.signal);
      if (failure !== undefined) throw failure;
      return;
    }
  } finally {
    emit(sink, outcome);
  }
};
