/** A small client for Prometheus's HTTP query API (also served by VictoriaMetrics, Thanos, Mimir). */
import { raceAbort } from '../common/abort.js';

export interface Series {
  labels: Record<string, string>;
  /** [unix seconds, value]; NaN for Prometheus's "NaN" and the infinities as such. */
  points: Array<[number, number]>;
}

export class PrometheusError extends Error {
  override name = 'PrometheusError';
}

/** Series beyond this many per query are dropped: a chart cannot show them and the response stays small. */
const MAX_SERIES_PER_QUERY = 50;
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** A PromQL string literal for `value`, whatever characters it holds. */
function promqlString(value: string): string {
  return JSON.stringify(value);
}

/** `{a="x",b="y"}` selecting exactly these label values. */
export function matchers(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([name, value]) => `${name}=${promqlString(value)}`)
    .join(',')}}`;
}

interface ApiResponse {
  status?: string;
  error?: string;
  data?: { resultType?: string; result?: Array<{ metric?: Record<string, string>; values?: Array<[number, string]>; value?: [number, string] }> };
}

async function readBounded(response: Response): Promise<string> {
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_RESPONSE_BYTES) {
    await response.body?.cancel();
    throw new PrometheusError(`response of ${length} bytes is larger than ${MAX_RESPONSE_BYTES}`);
  }
  const text = await response.text();
  if (text.length > MAX_RESPONSE_BYTES) throw new PrometheusError(`response is larger than ${MAX_RESPONSE_BYTES} bytes`);
  return text;
}

export class PrometheusClient {
  private readonly baseUrl: URL;
  private readonly headers: Record<string, string> = { accept: 'application/json' };

  constructor(url: string, basicAuth?: { username: string; password: string }) {
    this.baseUrl = new URL(url.endsWith('/') ? url : `${url}/`);
    if (this.baseUrl.username !== '' || this.baseUrl.password !== '') throw new Error('the Prometheus URL must not hold credentials');
    if (basicAuth !== undefined) {
      this.headers.authorization = `Basic ${Buffer.from(`${basicAuth.username}:${basicAuth.password}`).toString('base64')}`;
    }
  }

  /** `query_range` from `start` to `end` (unix seconds) every `stepSeconds`. */
  async queryRange(query: string, start: number, end: number, stepSeconds: number, signal: AbortSignal): Promise<Series[]> {
    const result = await this.get('query_range', { query, start: String(start), end: String(end), step: String(stepSeconds) }, signal);
    return result.map((series) => ({
      labels: series.metric ?? {},
      points: (series.values ?? []).map(([time, value]) => [time, Number(value)]),
    }));
  }

  /** An instant query at `time` (unix seconds). */
  async query(query: string, time: number, signal: AbortSignal): Promise<Series[]> {
    const result = await this.get('query', { query, time: String(time) }, signal);
    return result.map((series) => ({
      labels: series.metric ?? {},
      points: series.value === undefined ? [] : [[series.value[0], Number(series.value[1])]],
    }));
  }

  private async get(endpoint: string, params: Record<string, string>, signal: AbortSignal) {
    const url = new URL(`api/v1/${endpoint}`, this.baseUrl);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    const work = (async () => {
      const response = await fetch(url, { signal, headers: this.headers });
      const text = await readBounded(response);
      let body: ApiResponse;
      try {
        body = JSON.parse(text) as ApiResponse;
      } catch {
        throw new PrometheusError(`HTTP ${response.status} with a body that is not JSON`);
      }
      if (body.status !== 'success') throw new PrometheusError(`HTTP ${response.status}: ${body.error ?? 'query failed'}`);
      return (body.data?.result ?? []).slice(0, MAX_SERIES_PER_QUERY);
    })();
    return raceAbort(work, signal);
  }
}
