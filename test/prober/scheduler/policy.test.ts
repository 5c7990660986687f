/** Item 3 of issue 10: the scheduler's probes (config targets and file_sd, in-thread and on workers) obey the target policy. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../prober/config.js';
import { SchedulerService } from '../../../prober/scheduler/service.js';
import { waitFor } from '../../helpers/wait.js';
import { startTargetServer } from './helpers.js';

for (const probeWorkers of [0, 1]) {
  test(`item 3: denied scheduled targets are down with reason policy and never reached (probe workers: ${probeWorkers})`, async (t) => {
    const server = await startTargetServer(t);
    const dir = mkdtempSync(join(tmpdir(), 'platypus-sched-policy-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const sdFile = join(dir, 'panels.json');
    writeFileSync(sdFile, JSON.stringify([{ targets: [server.url('/from-file-sd')] }]));
    const allowed = `http://localhost:${server.port}/allowed`;
    const yaml = `modules:
  web:
    prober: http
    timeout: 20s
    http:
      preferred_ip_protocol: ip4
scheduler:
  groups:
    - name: g
      module: web
      interval: 1h
      timeout: 20s
      retries: 0
      targets: ${JSON.stringify([server.url('/static'), `http://0.0.0.0:${server.port}/zero`, allowed])}
      file_sd: [${JSON.stringify(sdFile)}]
`;
    const config = parseConfig(yaml, join(dir, 'blackbox.yml'));
    const service = new SchedulerService({ config: () => config, probeWorkers, policy: { allow: ['10.0.0.0/8'], allowHosts: ['localhost'] } });
    t.after(() => service.stop());
    await service.apply(config);
    await waitFor('every first check done', () => service.scheduler.stats().checksCompleted === 4, { timeoutMs: 60_000 });
    const states = new Map([...service.scheduler.targets()].map((state) => [state.spec.target, state]));
    for (const target of [server.url('/static'), `http://0.0.0.0:${server.port}/zero`, server.url('/from-file-sd')]) {
      assert.equal(states.get(target)?.status, 'down', target);
      assert.equal(states.get(target)?.lastFailureReason, 'policy', target);
    }
    assert.equal(states.get(allowed)?.status, 'up');
    assert.deepEqual([...server.hits.keys()], ['/allowed']);
  });
}
