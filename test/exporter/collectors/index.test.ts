import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultCollectorOptions, fallbackCollectors, hostCollectors, linuxCollectors } from '../../../exporter/collectors/index.js';

test('the collector table: unique names in order, node_exporter defaults, Linux collectors on Linux', () => {
  const names = linuxCollectors.map((c) => c.name);
  assert.deepEqual(names, [
    'arp', 'bcache', 'bonding', 'btrfs', 'conntrack', 'cpu', 'cpufreq', 'diskstats', 'dmi', 'edac', 'entropy', 'fibrechannel', 'filefd', 'filesystem',
    'hwmon', 'infiniband', 'interrupts', 'ipvs', 'loadavg', 'mdadm', 'meminfo', 'meminfo_numa', 'mountstats', 'netclass', 'netdev', 'netstat', 'nfs', 'nfsd',
    'nvme', 'os', 'powersupplyclass', 'pressure', 'processes', 'rapl', 'schedstat', 'selinux', 'sockstat', 'softnet', 'stat', 'systemd', 'tapestats',
    'textfile', 'thermal_zone', 'time', 'timex', 'udp_queues', 'uname', 'vmstat', 'watchdog', 'xfs', 'zfs',
  ]);
  assert.ok(linuxCollectors.every((c) => c.description !== ''));
  // node_exporter enables every one of these by default but interrupts, meminfo_numa, mountstats, processes and systemd.
  assert.deepEqual(linuxCollectors.filter((c) => !c.defaultEnabled).map((c) => c.name), ['interrupts', 'meminfo_numa', 'mountstats', 'processes', 'systemd']);
  assert.deepEqual(fallbackCollectors.map((c) => c.name), ['boottime', 'cpu', 'diskstats', 'filesystem', 'loadavg', 'meminfo', 'netdev', 'os', 'textfile', 'time', 'uname']);
  assert.equal(hostCollectors, process.platform === 'linux' ? linuxCollectors : fallbackCollectors);
});

test('defaultCollectorOptions: fresh objects with node_exporter 1.5.0 defaults', () => {
  const options = defaultCollectorOptions();
  assert.equal(options.filesystem.mountTimeoutSeconds, 5);
  assert.ok(options.filesystem.statWorkerCount >= 1 && options.filesystem.statWorkerCount < 4);
  assert.equal(options.diskstats.deviceExclude?.source, '^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$');
  assert.equal(options.netdev.deviceExclude?.source, '^lo$');
  assert.equal(options.vmstat.fields.source, '^(oom_kill|pgpg|pswp|pg.*fault).*');
  assert.equal(options.ipvs.backendLabels, 'local_address,local_port,remote_address,remote_port,proto,local_mark');
  assert.equal(options.arp.netlink, true);
  assert.equal(options.interrupts.includeZeros, true);
  assert.equal(options.textfile.directory, undefined);
  options.textfile.directory = '/tmp';
  assert.equal(defaultCollectorOptions().textfile.directory, undefined);
});
