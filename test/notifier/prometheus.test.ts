import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { PrometheusClient, PrometheusError } from '../../notifier/prometheus.js';

/** A local server answering every request with `answer(request)`: [status, body]. */
async function serve(t: TestContext, answer: (request: IncomingMessage) => [number, string]): Promise<string> {
  const server = createServer((request, response) => {
    const [status, body] = answer(request);
    response.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const matrix = JSON.stringify({
  status: 'success',
  data: { resultType: 'matrix', result: [{ metric: { location: 'fra' }, values: [[1780000000, '0.25'], [1780000015, 'NaN']] }] },
});

test('basic-auth credentials go as a header, and query_range values become numbers', async (t) => {
  const seen: Array<{ url: string; authorization: string | undefined }> = [];
  const address = await serve(t, (request) => {
    seen.push({ url: request.url ?? '', authorization: request.headers.authorization });
    return request.headers.authorization === `Basic ${Buffer.from('reader:s3cr:et').toString('base64')}` ? [200, matrix] : [401, '{}'];
  });
  assert.throws(() => new PrometheusClient(`http://reader:s3cr3t@${address}/`), /must not hold credentials/);
  const client = new PrometheusClient(`http://${address}/prom`, { username: 'reader', password: 's3cr:et' });
  const series = await client.queryRange('probe_success{target="a b"}', 1780000000, 1780000015, 15, AbortSignal.timeout(5_000));
  assert.deepEqual(series[0]!.labels, { location: 'fra' });
  assert.equal(series[0]!.points[0]![1], 0.25);
  assert.ok(Number.isNaN(series[0]!.points[1]![1]));
  const url = new URL(seen[0]!.url, 'http://x');
  assert.equal(url.pathname, '/prom/api/v1/query_range');
  assert.equal(url.searchParams.get('query'), 'probe_success{target="a b"}');
});

test('query errors and bodies that are not JSON are PrometheusErrors with the reason', async (t) => {
  const address = await serve(t, (request) =>
    request.url?.includes('bad') === true ? [400, JSON.stringify({ status: 'error', error: 'parse error at char 3' })] : [502, '<html>bad gateway</html>'],
  );
  const client = new PrometheusClient(`http://${address}`);
  await assert.rejects(client.query('bad(', 0, AbortSignal.timeout(5_000)), (error: Error) => error instanceof PrometheusError && /HTTP 400: parse error/.test(error.message));
  await assert.rejects(client.query('up', 0, AbortSignal.timeout(5_000)), /HTTP 502 with a body that is not JSON/);
});
