import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultCollectorOptions, fallbackCollectors, hostCollectors, linuxCollectors } from '../../../exporter/collectors/index.js';

test('the collector table: unique names, node_exporter 1.5 defaults, Linux collectors on Linux', () => {
  const names = linuxCollectors.map((c) => c.name);
  assert.deepEqual(names, [
    'cpu', 'diskstats', 'filesystem', 'loadavg', 'meminfo', 'netdev', 'os', 'pressure', 'stat', 'textfile', 'time', 'uname', 'vmstat',
  ]);
  // Every one of these is enabled by default in node_exporter 1.5.0.
  assert.ok(linuxCollectors.every((c) => c.defaultEnabled && c.description !== ''));
  assert.deepEqual(fallbackCollectors.map((c) => c.name), ['boottime', 'cpu', 'diskstats', 'filesystem', 'loadavg', 'meminfo', 'netdev', 'os', 'textfile', 'time', 'uname']);
  assert.equal(hostCollectors, process.platform === 'linux' ? linuxCollectors : fallbackCollectors);
});

test('defaultCollectorOptions: fresh objects with node_exporter 1.5.0 defaults', () => {
  const options = defaultCollectorOptions();
  assert.equal(options.filesystem.mountTimeoutSeconds, 5);
  assert.ok(options.filesystem.statWorkerCount >= 1 && options.filesystem.statWorkerCount < 4);
  assert.equal(options.diskstats.deviceExclude?.source, '^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$');
  assert.equal(options.netdev.deviceExclude?.source, '^lo$');
  assert.equal(options.vmstat.fields.source, '^(oom_kill|pgpg|pswp|pg.*fault).*');
  assert.equal(options.textfile.directory, undefined);
  options.textfile.directory = '/tmp';
  assert.equal(defaultCollectorOptions().textfile.directory, undefined);
});
