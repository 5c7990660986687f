import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { METRIC_GRAPHS, PANEL_GRAPHS } from '../../notifier/graphs.js';
import { matchers } from '../../notifier/prometheus.js';

const rulesDir = new URL('../../prometheus/rules/', import.meta.url);
const rules = new Map<string, string>(
  readdirSync(rulesDir)
    .filter((name) => name.endsWith('.yml'))
    .flatMap((name) => (parse(readFileSync(new URL(name, rulesDir), 'utf8')) as { groups: Array<{ rules: Array<{ alert?: string; expr: string }> }> }).groups)
    .flatMap((group) => group.rules)
    .filter((rule) => rule.alert !== undefined)
    .map((rule) => [rule.alert!, rule.expr]),
);

test('every graphed alert exists in the shipped rules, with the threshold the graph draws', () => {
  const thresholds: Array<[string, number | undefined, 'days' | undefined]> = [
    ...Object.entries(METRIC_GRAPHS).map(([name, graph]): [string, number | undefined, 'days' | undefined] => [name, graph.threshold, graph.unit === 'days' ? 'days' : undefined]),
    ...Object.entries(PANEL_GRAPHS).map(([name, graph]): [string, number | undefined, undefined] => [name, graph.latencyThreshold, undefined]),
  ];
  for (const [name, threshold, unit] of thresholds) {
    const expr = rules.get(name);
    assert.ok(expr !== undefined, `${name} is not a shipped alert`);
    if (threshold === undefined) continue;
    const literal = unit === 'days' ? `${threshold} * 86400` : String(threshold);
    assert.ok(new RegExp(`[<>]=?\\s*${literal.replace(/[.*]/g, '\\$&')}(?![\\d.])`).test(expr), `${name}: threshold ${literal} not in ${expr}`);
  }
});

test('label values become PromQL string literals whatever they hold', () => {
  assert.equal(matchers({ target: 'http://x/"}) or vector(1) #\n\\' }), '{target="http://x/\\"}) or vector(1) #\\n\\\\"}');
});
