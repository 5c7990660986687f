/**
 * Config regexes against hostile bodies, through the real /probe endpoint and a real loopback
 * target: a body that makes a backtracking engine take seconds is matched off the event loop, so
 * the prober keeps answering while the probe runs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { closeRegexWorkers } from '../../common/regex.js';
import { ConfigStore } from '../../prober/config-store.js';
import { buildProberApp } from '../../prober/server/app.js';
import { sampleValue } from '../helpers/exposition.js';
import { listen } from './http-helpers.js';

after(closeRegexWorkers);

const CONFIG = `
modules:
  copyright:
    prober: http
    timeout: 10s
    http:
      preferred_ip_protocol: ip4
      fail_if_body_not_matches_regexp: ["Copyright.*2024"]
`;

/** 400 KB of "Copyright ": V8 needed 7.3 s to find that /Copyright.*2024/ does not match it. */
const HOSTILE_BODY = 'Copyright '.repeat(40_000);

async function prober(t: TestContext): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'platypus-regex-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'blackbox.yml');
  writeFileSync(path, CONFIG);
  const app = buildProberApp({ store: await ConfigStore.open({ path }) });
  t.after(() => app.close());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

/** A target that answers `body`; `drained` resolves once the prober has read it all and closed the connection. */
async function target(t: TestContext, body: string): Promise<{ port: number; drained: Promise<void> }> {
  let markDrained!: () => void;
  const drained = new Promise<void>((resolve) => (markDrained = resolve));
  const server = createServer((request, response: ServerResponse) => {
    request.socket.on('close', markDrained);
    response.setHeader('content-type', 'text/plain');
    response.end(body);
  });
  return { port: await listen(t, server), drained };
}

test('a backtracking body (400 KB of "Copyright ") is matched off the event loop: /-/healthy answers while the probe runs', async (t) => {
  const base = await prober(t);
  const { port, drained } = await target(t, HOSTILE_BODY);
  const order: string[] = [];
  const probing = fetch(`${base}/probe?module=copyright&target=http://127.0.0.1:${port}/`).then(async (response) => {
    order.push('probe');
    return { status: response.status, text: await response.text() };
  });
  await drained;
  // Asked once the prober has the whole body, i.e. while it matches it.
  for (let i = 0; i < 3; i++) {
    const health = await fetch(`${base}/-/healthy`);
    assert.equal(health.status, 200);
    order.push('healthy');
  }
  const probe = await probing;
  assert.equal(order[0], 'healthy', `the prober answered /-/healthy only after the probe: ${order.join(', ')}`);
  assert.equal(probe.status, 200);
  assert.equal(sampleValue(probe.text, 'probe_success'), 0);
  assert.equal(sampleValue(probe.text, 'probe_failed_due_to_regex'), 1);
  assert.equal(sampleValue(probe.text, 'probe_failure_info', { reason: 'body_regex' }), 1, probe.text);
});

test('a match at the very end of a large body is found (the whole body is matched at once)', async (t) => {
  const base = await prober(t);
  const { port } = await target(t, `${HOSTILE_BODY}2024`);
  const response = await fetch(`${base}/probe?module=copyright&target=http://127.0.0.1:${port}/`);
  const text = await response.text();
  assert.equal(sampleValue(text, 'probe_success'), 1, text);
  assert.equal(sampleValue(text, 'probe_failed_due_to_regex'), 0);
});
