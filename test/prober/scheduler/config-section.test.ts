/** The `scheduler:` config section: defaults, and one exact error per mistake (file, line, key). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../common/config-walk.js';
import { parseConfig } from '../../../prober/config.js';
import { checkSchedulerModules, DEFAULTS } from '../../../prober/scheduler/config-section.js';
import { schedulerConfig } from './helpers.js';

test('a minimal group gets the documented defaults; relative file_sd paths are taken from the config directory', () => {
  const config = schedulerConfig('scheduler:\n  groups:\n    - name: panels\n      module: http_2xx\n      targets: [https://a.example]\n      file_sd: [targets/*.json]\n', '/etc/platypus');
  assert.deepEqual(config, {
    max_concurrent_checks: DEFAULTS.max_concurrent_checks,
    file_sd_refresh_interval: 300,
    groups: [
      {
        name: 'panels',
        module: 'http_2xx',
        interval: 60,
        timeout: 10,
        retries: 1,
        retry_interval: 5,
        labels: {},
        targets: ['https://a.example'],
        file_sd: ['/etc/platypus/targets/*.json'],
      },
    ],
  });
});

test('every setting is read', () => {
  const config = schedulerConfig(
    'scheduler:\n  location: fra\n  shard: {index: 2, count: 3}\n  max_concurrent_checks: 64\n  file_sd_refresh_interval: 30s\n  groups:\n    - name: panels\n      module: tcp_connect\n      interval: 1m30s\n      timeout: 3s\n      retries: 3\n      retry_interval: 500ms\n      labels: {env: prod}\n      targets: ["a:1"]\n',
  );
  assert.equal(config.location, 'fra');
  assert.deepEqual(config.shard, { index: 2, count: 3 });
  assert.equal(config.max_concurrent_checks, 64);
  assert.equal(config.file_sd_refresh_interval, 30);
  assert.deepEqual(config.groups[0], { name: 'panels', module: 'tcp_connect', interval: 90, timeout: 3, retries: 3, retry_interval: 0.5, labels: { env: 'prod' }, targets: ['a:1'], file_sd: [] });
});

const group = (extra: string): string => `scheduler:\n  groups:\n    - name: g\n      module: http_2xx\n      targets: [a]\n${extra}`;

test('mistakes are errors naming file, line and key', () => {
  const cases: [string, string][] = [
    [group('      intervall: 1m\n'), 'test.yml:6: scheduler.groups.0.intervall: unknown key (expected one of: name, module, interval, timeout, retries, retry_interval, labels, targets, file_sd)'],
    [group('      interval: 10s\n      timeout: 20s\n'), 'test.yml:7: scheduler.groups.0.timeout: must not be longer than the interval (10s)'],
    [group('      interval: 0s\n'), 'test.yml:6: scheduler.groups.0.interval: must be longer than 0, got "0s"'],
    [group('      interval: soon\n'), 'test.yml:6: scheduler.groups.0.interval: expected a duration such as 5s, 1m30s or 250ms, got "soon"'],
    [group('      retries: -1\n'), 'test.yml:6: scheduler.groups.0.retries: expected an integer from 0 to 100, got -1'],
    [group('      labels: {target: x}\n'), 'test.yml:6: scheduler.groups.0.labels.target: label "target" is set by the scheduler'],
    [group('      labels: {env: ""}\n'), 'test.yml:6: scheduler.groups.0.labels.env: must not be empty'],
    [group('      labels: {"bad-name": x}\n'), 'test.yml:6: scheduler.groups.0.labels.bad-name: invalid label name "bad-name"'],
    [group('      file_sd: ["/etc/*/x.json"]\n'), 'test.yml:6: scheduler.groups.0.file_sd.0: wildcards are allowed in the file name only'],
    ['scheduler:\n  groups:\n    - name: g\n      module: http_2xx\n', 'test.yml:3: scheduler.groups.0: needs targets or file_sd'],
    ['scheduler:\n  groups:\n    - name: g\n      module: tcp_connect\n      targets: ["b:65536"]\n', 'test.yml:5: scheduler.groups.0.targets.0: Invalid target "b:65536": port "65536" is not a number from 1 to 65535'],
    ['scheduler:\n  groups:\n    - name: g\n      module: tcp_connect\n      targets: ["ok:1", "c:http"]\n', 'test.yml:5: scheduler.groups.0.targets.1: Invalid target "c:http": port "http" is not a number from 1 to 65535'],
    ['scheduler:\n  groups:\n    - module: http_2xx\n      targets: [a]\n', 'test.yml:3: scheduler.groups.0: name is required'],
    ['scheduler:\n  groups: []\n', 'test.yml:2: scheduler.groups: needs at least one target group under groups'],
    ['scheduler:\n  max_concurrent_checks: 0\n  groups: []\n', 'test.yml:2: scheduler.max_concurrent_checks: expected an integer from 1 to 100000, got 0'],
    [`${group('')}    - name: g\n      module: http_2xx\n      targets: [b]\n`, 'test.yml:6: scheduler.groups.1: duplicate group name "g"'],
    ['scheduler:\n  locaton: x\n', 'test.yml:2: scheduler.locaton: unknown key (expected one of: location, shard, max_concurrent_checks, file_sd_refresh_interval, groups)'],
    [`${group('')}  shard: {index: 3, count: 3}\n`, 'test.yml:6: scheduler.shard.index: expected an integer from 0 to 2, got 3'],
    [`${group('')}  shard: {index: 0, count: 0}\n`, 'test.yml:6: scheduler.shard.count: expected an integer from 1 to 1024, got 0'],
    [`${group('')}  shard: {index: 1}\n`, 'test.yml:6: scheduler.shard: count is required'],
    [`${group('')}  shard: {count: 2}\n`, 'test.yml:6: scheduler.shard: index is required'],
    [`${group('')}  shard: {index: 0, count: 2, of: 3}\n`, 'test.yml:6: scheduler.shard.of: unknown key (expected one of: index, count)'],
    [`${group('')}  shard: 1/3\n`, 'test.yml:6: scheduler.shard: expected a mapping, got "1/3"'],
  ];
  for (const [yaml, message] of cases) {
    assert.throws(() => schedulerConfig(yaml), (error: unknown) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.equal(error.message, message);
      return true;
    });
  }
});

test('a group naming a module the config does not define is an error at its module key', () => {
  const config = schedulerConfig('scheduler:\n  groups:\n    - name: g\n      targets: [a]\n      module: http_3xx\n');
  assert.throws(() => checkSchedulerModules(config, new Map([['http_2xx', {}]])), {
    name: 'ConfigError',
    message: 'test.yml:5: scheduler.groups.0.module: unknown module "http_3xx"',
  });
  assert.doesNotThrow(() => checkSchedulerModules(config, new Map([['http_3xx', {}]])));
});

test('the prober config file reads the section and checks its modules against the file\'s modules', () => {
  const text = 'modules:\n  web:\n    prober: http\nscheduler:\n  groups:\n    - name: g\n      module: web\n      targets: [a]\n';
  assert.equal(parseConfig(text, 'blackbox.yml').scheduler?.groups[0]?.module, 'web');
  assert.equal(parseConfig('modules: {}\n', 'blackbox.yml').scheduler, undefined);
  assert.throws(() => parseConfig(text.replace('module: web', 'module: http_2xx'), 'blackbox.yml'), {
    name: 'ConfigError',
    message: 'blackbox.yml:7: scheduler.groups.0.module: unknown module "http_2xx"',
  });
});
