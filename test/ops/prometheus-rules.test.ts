// The shipped Prometheus configuration and rules pass promtool, and every alert has a unit test
// case where it fires and one where it stays quiet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { requireBinary } from '../helpers/process.js';
import { loadYaml, repoPath } from './stack.js';

const promtool = requireBinary('promtool', 'prometheus');

function runPromtool(args: string[]): string {
  const result = spawnSync(promtool, args, { cwd: repoPath('prometheus'), encoding: 'utf8' });
  assert.equal(result.status, 0, `promtool ${args.join(' ')}:\n${result.stdout}${result.stderr}`);
  return result.stdout + result.stderr;
}

const ruleFiles = readdirSync(repoPath('prometheus/rules')).filter((f) => f.endsWith('.yml')).map((f) => `rules/${f}`);
const testFiles = readdirSync(repoPath('prometheus/tests')).filter((f) => f.endsWith('.yml')).map((f) => `tests/${f}`);

interface RuleGroup { rules: Array<{ alert?: string; record?: string; labels?: Record<string, string>; annotations?: Record<string, string> }> }
interface AlertTest { alertname: string; exp_alerts?: unknown[] }
interface UnitTests { tests: Array<{ alert_rule_test?: AlertTest[] }> }

const alerts = ruleFiles.flatMap((file) =>
  (loadYaml(`prometheus/${file}`).groups as RuleGroup[]).flatMap((group) => group.rules.filter((rule) => rule.alert !== undefined)));

test('promtool check config accepts prometheus.yml and its rule files', () => {
  const output = runPromtool(['check', 'config', 'prometheus.yml']);
  assert.match(output, /SUCCESS: prometheus\.yml is valid/);
  assert.match(output, new RegExp(`SUCCESS: ${ruleFiles.length} rule files found`));
});

test('promtool check config accepts the scale example (hashmod shard, remote_write, locations, HA pair)', () => {
  const output = runPromtool(['check', 'config', 'examples/shard.yml']);
  assert.match(output, /SUCCESS: examples\/shard\.yml is valid/);
});

test('promtool check rules accepts every rule file', () => {
  runPromtool(['check', 'rules', ...ruleFiles]);
});

test('promtool test rules passes every unit test file', () => {
  assert.ok(testFiles.length > 0);
  const output = runPromtool(['test', 'rules', ...testFiles]);
  assert.doesNotMatch(output, /FAILED/);
});

// Watchdog fires always, by design: its severity is `none` (it pages no one) and it has no quiet case.
const ALWAYS_FIRING = 'Watchdog';

test('every alert has summary, description and severity', () => {
  assert.ok(alerts.length >= 12, `only ${alerts.length} alerts`);
  for (const rule of alerts) {
    assert.ok(rule.annotations?.summary, `${rule.alert}: summary`);
    assert.ok(rule.annotations?.description, `${rule.alert}: description`);
    const severities = rule.alert === ALWAYS_FIRING ? /^none$/ : /^(critical|warning)$/;
    assert.match(rule.labels?.severity ?? '', severities, `${rule.alert}: severity`);
  }
});

test('every alert has a unit test where it fires and one where it stays quiet', () => {
  const cases = testFiles.flatMap((file) =>
    (loadYaml(`prometheus/${file}`) as unknown as UnitTests).tests.flatMap((t) => t.alert_rule_test ?? []));
  for (const rule of alerts) {
    const mine = cases.filter((c) => c.alertname === rule.alert);
    assert.ok(mine.some((c) => (c.exp_alerts?.length ?? 0) > 0), `${rule.alert}: no case where it fires`);
    if (rule.alert === ALWAYS_FIRING) continue;
    assert.ok(mine.some((c) => (c.exp_alerts?.length ?? 0) === 0), `${rule.alert}: no case where it stays quiet`);
  }
});

test('the issue\'s alerts are all there', () => {
  const names = new Set(alerts.map((rule) => rule.alert));
  for (const name of ['PanelDown', 'PanelSlow', 'CertificateExpiringSoon', 'CertificateExpired', 'ExporterDown',
    'CollectorFailing', 'CPUHigh', 'MemoryLow', 'DiskFull', 'DiskFillingIn24h', 'LoadHigh', 'ClockSkew',
    'Watchdog', 'ProberDown', 'ProberStalled', 'ExporterVanished', 'AlertmanagerDown', 'NotificationsFailing']) {
    assert.ok(names.has(name), name);
  }
});
