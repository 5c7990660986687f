/**
 * The status page across locations, from /api/v1/targets answers captured from two real probers
 * (fra and ams checking the same panels; ams also panel-4): PanelDown's rule over the locations,
 * maintenance from silence matchers, and the page's rendering of both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { downByRule } from '../../../common/panel-rule.js';
import { maintenanceSilence } from '../../../maintenance/matchers.js';
import type { ActiveSilence, Matcher } from '../../../maintenance/silences.js';
import type { StatusSnapshot } from '../../../prober/scheduler/snapshot.js';
import { mergeLocations } from '../../../prober/server/status-page/merge.js';
import { pageTitle, renderBody } from '../../../prober/server/status-page/render.js';

const fixture = (name: string): StatusSnapshot =>
  JSON.parse(readFileSync(new URL(`../../fixtures/prober/status-page/${name}.json`, import.meta.url), 'utf8')) as StatusSnapshot;

const silence = (matchers: Matcher[], comment = 'kernel update', endsAt = '2026-12-07T06:00:00.000Z'): ActiveSilence => ({ id: comment, matchers, endsAt: new Date(endsAt), comment });
const eq = (name: string, value: string): Matcher => ({ name, value, isRegex: false, isEqual: true });

test("PanelDown's rule: two failing locations, or the only one", () => {
  const cases: Array<[failing: number, checking: number, down: boolean]> = [
    [0, 0, false], [0, 1, false], [1, 1, true], [1, 2, false], [2, 2, true], [1, 3, false], [2, 3, true], [3, 3, true],
  ];
  for (const [failing, checking, down] of cases) assert.equal(downByRule(failing, checking), down, `${failing} of ${checking}`);
});

test('each panel once with every location; down by the rule, not by one location', () => {
  const page = mergeLocations(fixture('fra'), [{ location: 'ams', snapshot: fixture('ams') }], []);
  assert.deepEqual(page.locations, ['fra', 'ams']);
  assert.equal(page.location, 'fra, ams');
  const rows = page.targets.map((t) => [t.name, t.state, t.locations?.map((l) => `${l.location}:${l.state}`).join(' ')]);
  assert.deepEqual(rows, [
    ['panel-1', 'down', 'fra:down ams:down'],
    // Down from fra only: failing, not down.
    ['panel-2', 'pending', 'fra:down ams:up'],
    ['panel-3', 'up', 'fra:up ams:up'],
    // Only ams checks it: its failure is enough.
    ['panel-4', 'down', 'ams:down'],
  ]);
  assert.deepEqual(page.summary, { up: 1, down: 2, pending: 1, unknown: 0, maintenance: 0 });
  assert.equal(pageTitle(page), '(2 down) Platypus status: fra, ams');
  // A row's labels are the panel's, without a location; down since the second location failed.
  const panel1 = page.targets[0]!;
  assert.deepEqual(panel1.labels, { panel: 'panel-1' });
  const starts = panel1.locations!.map((l) => l.since!).sort();
  assert.equal(panel1.since, starts[1]);
  assert.equal(page.notices, undefined);
});

test('an unreachable location is named on the page, and the rule counts the locations that answered', () => {
  const page = mergeLocations(fixture('fra'), [{ location: 'ams', error: 'timeout' }], []);
  assert.deepEqual(page.notices, ['location ams unreachable: timeout']);
  assert.deepEqual(page.targets.map((t) => [t.name, t.state]), [['panel-1', 'down'], ['panel-2', 'down'], ['panel-3', 'up']]);
  const html = renderBody(page, undefined);
  assert.match(html, /<p class="notice" role="alert">location ams unreachable: timeout<\/p>/);
});

test('without peers or silences the page is the prober\'s own snapshot', () => {
  const local = fixture('fra');
  const page = mergeLocations(local, [], []);
  assert.deepEqual(page, local);
  assert.doesNotMatch(renderBody(page, undefined), /class="locations"/);
});

test('silence matchers: equal, regex (anchored, RE2), negative, on the panel labels without location', () => {
  const { target, module, labels: seriesLabels } = fixture('fra').targets[0]!; // panel-1
  const labels = { ...seriesLabels, target, module };
  const re = (name: string, value: string, isEqual = true): Matcher => ({ name, value, isRegex: true, isEqual });
  const matches: Array<[Matcher[], boolean]> = [
    [[eq('panel', 'panel-1')], true],
    [[eq('panel', 'panel-2')], false],
    [[re('panel', 'panel-[0-9]+')], true],
    [[re('panel', 'panel')], false], // anchored
    [[re('panel', '(?i)PANEL-1')], true], // Go's syntax
    [[{ ...eq('panel', 'panel-1'), isEqual: false }], false],
    [[re('panel', 'panel-2|panel-3', false)], true],
    [[eq('alertname', 'PanelDown'), eq('panel', 'panel-1')], true],
    [[eq('alertname', 'HostDown'), eq('panel', 'panel-1')], false],
    [[eq('module', 'http_2xx'), eq('target', target)], true],
    // The alert has no location: a silence on one location's label does not match it.
    [[eq('location', 'fra')], false],
    // Labels only the alert has (job, severity) do not stop a match.
    [[eq('job', 'prober'), eq('severity', 'critical'), eq('panel', 'panel-1')], true],
    // An absent label is the empty string.
    [[eq('env', '')], true],
    [[re('panel', '(?=x)')], false], // RE2 refuses lookahead: matches nothing
  ];
  for (const [matchers, expected] of matches) {
    assert.equal(maintenanceSilence(labels, [silence(matchers)]) !== undefined, expected, JSON.stringify(matchers));
  }
});

test('a target in maintenance shows its reason and end, and is not counted as down', () => {
  const silences = [silence([eq('panel', 'panel-1')], 'kernel update', '2026-12-07T06:00:00.000Z'), silence([eq('panel', 'panel-1')], 'shorter', '2026-12-07T04:00:00.000Z')];
  const page = mergeLocations(fixture('fra'), [{ location: 'ams', snapshot: fixture('ams') }], silences);
  const panel1 = page.targets.find((t) => t.name === 'panel-1')!;
  assert.equal(panel1.state, 'maintenance');
  assert.deepEqual(panel1.maintenance, { reason: 'kernel update', until: '2026-12-07T06:00:00.000Z' });
  assert.deepEqual(page.summary, { up: 1, down: 1, pending: 1, unknown: 0, maintenance: 1 });
  assert.equal(pageTitle(page), '(1 down) Platypus status: fra, ams');
  const html = renderBody(page, undefined);
  assert.match(html, /<tr class="state-maintenance" data-target="http:\/\/127\.0\.0\.1:18081\/panel-1">.*kernel update until 2026-12-07 06:00:00 UTC/);
  assert.match(html, /<strong>1 of 4 down<\/strong>: panel-4 · 1 in maintenance/);
  // Each location's own state stays visible.
  assert.match(html, /<span class="loc down" tabindex="-1" data-tip="ams: down, [\d.]+ ms · status_code">ams<\/span>/);
});
