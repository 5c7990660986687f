/**
 * The scheduler's view of maintenance windows: silences polled from an Alertmanager API (a local
 * server answering the fixture, as Alertmanager's v2 API lists silences), matched against a target's
 * series labels as PanelDown would carry them; a failed read keeps the last known set and is logged once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SilenceWatch } from '../../maintenance/watch.js';
import { TargetState } from '../../prober/scheduler/state.js';
import { freePort } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait.js';
import { capturedLogger, schedulerConfig } from '../prober/scheduler/helpers.js';

const silences = readFileSync(new URL('../fixtures/maintenance/silences.json', import.meta.url));
const group = schedulerConfig('scheduler:\n  groups:\n    - name: panels\n      module: http_2xx\n      targets: [http://127.0.0.1:1/]\n').groups[0]!;
/** A target's series labels as the scheduler builds them: target, module, file labels, location. */
const labels = (panel: string, extra: Record<string, string> = {}) => new TargetState({ group, target: `http://127.0.0.1:1/${panel}`, labels: { panel, ...extra } }, 'fra').labels;
const at = (iso: string) => Date.parse(iso);

test('a target is covered by the silences in force that match its alert labels, until they end', async (t) => {
  let answers = 0;
  let healthy = true;
  const server = createServer((request, response) => {
    answers++;
    if (!healthy || request.url !== '/api/v2/silences') return void response.writeHead(503).end('not ready');
    response.writeHead(200, { 'content-type': 'application/json' }).end(silences);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const { logger, lines } = capturedLogger();
  // An Alertmanager that does not answer comes first: the one that answers wins.
  const closed = `http://127.0.0.1:${await freePort()}`;
  const watch = new SilenceWatch({ alertmanagers: [closed, `http://127.0.0.1:${(server.address() as AddressInfo).port}`], intervalMs: 10, timeoutMs: 2_000, logger });
  t.after(() => watch.stop());
  await watch.start();

  const now = at('2026-12-07T03:00:00Z');
  assert.equal(watch.covers(labels('panel-1'), now), true);
  assert.equal(watch.covers(labels('panel-1', { env: 'prod' }), now), true, 'other labels of the target do not matter');
  assert.equal(watch.covers(labels('panel-3'), now), true, 'regex matcher; job is a label only the alert has');
  assert.equal(watch.covers(labels('panel-2'), now), false, 'an expired silence');
  assert.equal(watch.covers(labels('panel-5'), now), false, 'a window that has not begun');
  assert.equal(watch.covers(labels('panel-6'), now), false, 'a silence on location: PanelDown carries none');
  // A silence that ended since the last read no longer counts.
  assert.equal(watch.covers(labels('panel-3'), at('2026-12-07T05:00:00Z')), false);
  assert.equal(watch.covers(labels('panel-1'), at('2026-12-07T05:00:00Z')), true);

  // Alertmanager fails for several reads: the last known windows stay, and one warning says so.
  healthy = false;
  const failedFrom = answers;
  await waitFor('three failed reads', () => answers >= failedFrom + 3);
  assert.equal(watch.covers(labels('panel-1'), now), true);
  const warnings = () => lines().filter((line) => line.msg === 'no Alertmanager answered: availability keeps the last known maintenance windows');
  assert.equal(warnings().length, 1, JSON.stringify(lines()));
  assert.match(String(warnings()[0]!.err), /ECONNREFUSED.*HTTP 503|HTTP 503.*ECONNREFUSED/);
  healthy = true;
  await waitFor('the recovery logged', () => lines().some((line) => line.msg === 'Alertmanager answers again: maintenance windows up to date'));
});

test('without any answer yet, no target is in maintenance; stop ends the polling', async () => {
  const watch = new SilenceWatch({ alertmanagers: [`http://127.0.0.1:${await freePort()}`], intervalMs: 10, timeoutMs: 2_000 });
  await watch.start();
  assert.equal(watch.covers(labels('panel-1'), at('2026-12-07T03:00:00Z')), false);
  watch.stop();
});
