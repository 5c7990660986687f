/** The real CLI under simultaneous /probe requests: --probe.max-concurrent bounds them, the rest get 503. */
import { createServer as createNetServer, type Socket } from 'node:net';
import { createServer } from 'node:http';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleValue } from '../helpers/exposition.js';
import { startProber } from './cli-helpers.js';
import { listen } from './http-helpers.js';

test('--probe.max-concurrent: probes beyond the bound get 503 at once, the others run side by side', async (t) => {
  const sockets = new Set<Socket>();
  let accepted = 0;
  // Registered first so it runs before the server's close, which waits for its connections.
  t.after(() => sockets.forEach((socket) => socket.destroy()));
  const stalledPort = await listen(t, createNetServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => undefined);
  }));
  const okPort = await listen(t, createServer((_request, response) => response.end('ok')));
  const prober = await startProber(t, ['--probe.max-concurrent=3']);

  const slow = `${prober.url}/probe?target=http://127.0.0.1:${stalledPort}/`;
  const headers = { 'x-prometheus-scrape-timeout-seconds': '2.5' };
  const started = performance.now();
  const responses = await Promise.all(
    Array.from({ length: 7 }, async () => {
      const response = await fetch(slow, { headers });
      return { status: response.status, text: await response.text(), at: performance.now() - started };
    }),
  );
  const probed = responses.filter((response) => response.status === 200);
  const refused = responses.filter((response) => response.status === 503);
  assert.equal(probed.length, 3, JSON.stringify(responses.map((response) => response.status)));
  assert.equal(refused.length, 4);
  for (const response of refused) {
    assert.match(response.text, /^Too many probes running \(--probe\.max-concurrent=3\), try again later\n$/);
    assert.ok(response.at < 1500, `a refusal waits for no probe (${response.at} ms)`);
  }
  for (const response of probed) {
    assert.equal(sampleValue(response.text, 'probe_success'), 0);
    assert.equal(sampleValue(response.text, 'probe_failure_info', { reason: 'timeout' }), 1);
  }
  assert.equal(accepted, 3, 'only the admitted probes reached the target');

  const metrics = await (await fetch(`${prober.url}/metrics`)).text();
  assert.equal(sampleValue(metrics, 'platypus_prober_probes_in_flight'), 0);
  assert.equal(sampleValue(metrics, 'platypus_prober_probes_rejected_total'), 4);
  const after = await (await fetch(`${prober.url}/probe?target=127.0.0.1:${okPort}`)).text();
  assert.equal(sampleValue(after, 'probe_success'), 1, 'slots are given back');
});
