/**
 * A server flooding short lines at a query_response `expect`, against the real platypus-prober:
 * per-probe work is bounded and yields, so 20 such probes end by their timeout and the prober keeps
 * answering. The figures are printed; the one bound asserted is loose enough for a loaded machine
 * and still below what the unbounded read loop took there.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sampleValue } from '../helpers/exposition.js';
import { startProcess } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { startProber } from './cli-helpers.js';

const TIMEOUT_SECONDS = 1;
const CONCURRENT_PROBES = 20;
/**
 * Separates bounded work from the unbounded read loop on a loaded 2-core machine (load ~20 there:
 * bounded 0.9–2.5 s past the timeout, unbounded 5.8–6.1 s past).
 */
const LATE_BOUND_MS = 4000;

const CONFIG = `modules:
  flood:
    prober: tcp
    timeout: ${TIMEOUT_SECONDS}s
    tcp:
      query_response:
        - expect: "^never$"
`;

/** The flooding server, in a process of its own (line-flood.child.ts): its port. */
async function startFloodServer(t: TestContext): Promise<number> {
  const child = startProcess(t, process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./line-flood.child.ts', import.meta.url))]);
  const line = await waitFor('the flood server\'s port', () => /^(\d+)\n/.exec(child.output())?.[1], { timeoutMs: 30_000 });
  return Number(line);
}

test('20 probes against a line flood end by their timeout and /-/healthy keeps answering', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'platypus-flood-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const config = join(dir, 'blackbox.yml');
  await writeFile(config, CONFIG);
  const port = await startFloodServer(t);
  const prober = await startProber(t, [`--config.file=${config}`]);

  let probing = true;
  const healthMs: number[] = [];
  const health = (async () => {
    for (let i = 0; probing && i < 1000; i++) {
      const started = performance.now();
      const answer = await fetch(`${prober.url}/-/healthy`);
      assert.equal(answer.status, 200);
      healthMs.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const probes = await Promise.all(
    Array.from({ length: CONCURRENT_PROBES }, async () => {
      const started = performance.now();
      const answer = await fetch(`${prober.url}/probe?module=flood&target=127.0.0.1:${port}`);
      const text = await answer.text();
      return { status: answer.status, text, ms: performance.now() - started };
    }),
  );
  probing = false;
  await health;

  const worstMs = Math.max(...probes.map((probe) => probe.ms));
  const worstDurationMs = Math.max(...probes.map((probe) => (sampleValue(probe.text, 'probe_duration_seconds') ?? Infinity) * 1000));
  const worstHealthMs = Math.max(...healthMs);
  t.diagnostic(`probes: worst probe_duration_seconds ${worstDurationMs.toFixed(0)} ms, worst answer ${worstMs.toFixed(0)} ms (${(worstMs - TIMEOUT_SECONDS * 1000).toFixed(0)} ms past the timeout); /-/healthy: ${healthMs.length} answers, worst ${worstHealthMs.toFixed(0)} ms`);
  for (const probe of probes) {
    assert.equal(probe.status, 200);
    assert.equal(sampleValue(probe.text, 'probe_success'), 0);
    // Whichever comes first: the deadline, or the lines one expect may read.
    const reason = sampleValue(probe.text, 'probe_failure_info', { reason: 'timeout' }) === 1 ? 'timeout' : 'query_response';
    assert.equal(sampleValue(probe.text, 'probe_failure_info', { reason }), 1, probe.text);
  }
  assert.ok(healthMs.length > 0, '/-/healthy answered while the probes ran');
  assert.ok(worstMs < TIMEOUT_SECONDS * 1000 + LATE_BOUND_MS, `a probe ended ${(worstMs - TIMEOUT_SECONDS * 1000).toFixed(0)} ms past its timeout`);
  assert.ok(worstHealthMs < LATE_BOUND_MS, `/-/healthy took ${worstHealthMs.toFixed(0)} ms`);
});
