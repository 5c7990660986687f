import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dehumanize, parsePriorityStats, parseWritebackRateDebug } from '../../../exporter/sysfs/bcache.js';
import { parseCounter, parseRate, parseState } from '../../../exporter/sysfs/infiniband.js';
import { layoutRatio, parseCommitStats, unsignedOrZero } from '../../../exporter/sysfs/btrfs.js';
import { cleanName, hwmonChipName, splitSensorFile } from '../../../exporter/sysfs/hwmon.js';
import { parseNodeMeminfo, parseNumastat } from '../../../exporter/sysfs/numa.js';
import { adminState, parseNetClassInterface } from '../../../exporter/sysfs/netclass.js';
import { parseCoolingDevice, parseThermalZone } from '../../../exporter/sysfs/thermal.js';
import { parseBase10, parseDecimal, parseInteger } from '../../../exporter/sysfs/values.js';

test('integers in the forms the kernel prints them', () => {
  assert.equal(parseInteger('0x1003\n'), 4099);
  assert.equal(parseInteger('-1'), -1);
  assert.equal(parseInteger('010'), 8);
  assert.equal(parseInteger('0b101'), 5);
  assert.equal(parseInteger('0'), 0);
  assert.equal(parseInteger(''), undefined);
  assert.equal(parseInteger('12 MB'), undefined);
  assert.equal(parseBase10(' 42\n'), 42);
  assert.equal(parseBase10('0x10'), undefined);
  assert.equal(parseDecimal('9.1'), 9.1);
  assert.equal(parseDecimal('nan'), undefined);
});

test('netclass: unreadable or non-numeric attributes are absent; the admin state comes from IFF_UP', () => {
  const iface = parseNetClassInterface('eth0', new Map([['mtu', '1500'], ['speed', 'unknown'], ['operstate', 'up'], ['flags', '0x1002']]));
  assert.deepEqual(iface.numbers, { mtu: 1500, flags: 0x1002 });
  assert.equal(iface.texts.operstate, 'up');
  assert.equal(iface.texts.duplex, '');
  assert.equal(adminState(0x1002), 'down');
  assert.equal(adminState(0x1003), 'up');
  assert.equal(adminState(undefined), 'unknown');
});

test('hwmon: sensor file names, cleaned names and the chip name preference order', () => {
  assert.deepEqual(splitSensorFile('temp1_crit_alarm'), { type: 'temp', sensor: 'temp1', property: 'crit_alarm' });
  assert.deepEqual(splitSensorFile('pwm1'), { type: 'pwm', sensor: 'pwm1', property: '' });
  assert.deepEqual(splitSensorFile('update_interval'), { type: 'update_interval', sensor: 'update_interval0', property: '' });
  assert.equal(splitSensorFile('name'), undefined);
  assert.equal(splitSensorFile('temp_input'), undefined);
  assert.equal(cleanName('  Package id 0\n'), 'package_id_0');
  assert.equal(hwmonChipName('/sys/devices/platform/coretemp.0', 'coretemp', '/sys/devices/platform/coretemp.0/hwmon/hwmon0'), 'platform_coretemp_0');
  assert.equal(hwmonChipName(undefined, 'acpitz\n', '/sys/devices/virtual/hwmon/hwmon2'), 'acpitz');
  assert.equal(hwmonChipName(undefined, '---', '/sys/devices/virtual/hwmon/hwmon3'), 'hwmon3');
});

test('thermal: a zone without a policy or a readable temperature is left out, as is a cooling device without states', () => {
  assert.deepEqual(parseThermalZone(new Map([['type', 'acpitz'], ['policy', 'step_wise'], ['temp', '-5000']])), {
    type: 'acpitz',
    policy: 'step_wise',
    tempMillicelsius: -5000,
  });
  assert.equal(parseThermalZone(new Map([['type', 'pch'], ['temp', '51000']])), undefined);
  assert.equal(parseThermalZone(new Map([['type', 'pch'], ['policy', 'step_wise']])), undefined);
  assert.equal(parseCoolingDevice(new Map([['type', 'Fan'], ['max_state', '1']])), undefined);
});

test('NUMA meminfo: kB become bytes, unitless fields stay counts, parenthesised names get an underscore; bad lines name the file', () => {
  assert.deepEqual(parseNodeMeminfo('Node 1 Inactive(file):  2 kB\nNode 1 HugePages_Total:     4\n', 'meminfo'), [
    { name: 'Inactive_file', value: 2048 },
    { name: 'HugePages_Total', value: 4 },
  ]);
  assert.throws(() => parseNodeMeminfo('Node 1 MemFree: 2 MB\n', 'node1/meminfo'), /node1\/meminfo: invalid line/);
  assert.deepEqual(parseNumastat('numa_hit 5\n', 'numastat'), [{ name: 'numa_hit_total', value: 5 }]);
  assert.throws(() => parseNumastat('numa_hit\n', 'node1/numastat'), /node1\/numastat: invalid line/);
});

test('bcache: bch_hprint numbers read as procfs reads them (tenths of 1024ths, truncated), and its multi-line files', () => {
  assert.equal(dehumanize('512'), 512);
  assert.equal(dehumanize('0.0k'), 0);
  assert.equal(dehumanize('1.5k\n'), 1524);
  assert.equal(dehumanize('20.4G'), 21894266880);
  assert.equal(dehumanize('-5.4k'), -5520);
  assert.equal(dehumanize('3x'), undefined);
  assert.equal(dehumanize(''), undefined);
  assert.deepEqual(parseWritebackRateDebug('rate:\t\t1.1M/sec\ndirty:\t\t0.0k\nchange:\t\t-2.2k/sec\nnext io:\t-1ms\n', 'f'), {
    rate: 1150976,
    dirty: 0,
    target: 0,
    proportional: 0,
    integral: 0,
    change: -2248,
  });
  assert.throws(() => parseWritebackRateDebug('rate:\t\tfast/sec\n', 'wrd'), /wrd: cannot parse "rate:\\t\\tfast\/sec"/);
  assert.deepEqual(parsePriorityStats('Unused:\t\t99%\nClean:\t\t0%\nMetadata:\t0%\nQuantiles:\t[1 2]\n', 'p'), { unusedPercent: 99, metadataPercent: 0 });
});

test('infiniband: "<id>: <NAME>" states, rates as float32 Gb/s, counters in any base with data counters × 4', () => {
  assert.equal(parseState('4: ACTIVE\n'), 4);
  assert.equal(parseState('ACTIVE'), undefined);
  assert.equal(parseState('4: ACTIVE: extra'), undefined);
  assert.equal(parseRate('40 Gb/sec (4X QDR)'), 5_000_000_000);
  assert.equal(parseRate('2.5 Gb/sec (1X SDR)'), 312_500_000);
  // procfs parses the figure as a float32: 13.64 becomes 13.6400003…
  assert.equal(parseRate('13.64 Gb/sec'), 1_705_000_042);
  assert.equal(parseRate('fast'), undefined);
  assert.equal(parseCounter('link_downed', '0x10\n', 'f'), 16);
  assert.equal(parseCounter('port_xmit_data', '1000', 'f'), 4000);
  assert.equal(parseCounter('VL15_dropped', 'N/A (no PMA)', 'f'), undefined);
  assert.throws(() => parseCounter('link_downed', '-1', 'ld'), /ld: not a counter: "-1"/);
});

test('btrfs: layout ratios by profile and device count, commit_stats lines, numbers procfs reads as 0', () => {
  assert.deepEqual(['single', 'dup', 'raid10', 'raid1c3', 'raid1c4', 'raid5', 'raid6', 'mystery'].map((mode) => layoutRatio(mode, 4)), [1, 2, 2, 3, 4, 4 / 3, 2, 0]);
  assert.deepEqual(parseCommitStats('commits 12\nlast_commit_ms 3\nnew_field 9\n', 'c'), { commits: 12, lastCommitMs: 3, maxCommitMs: 0, totalCommitMs: 0 });
  assert.throws(() => parseCommitStats('commits twelve\n', 'cs'), /cs: invalid line "commits twelve"/);
  assert.deepEqual([unsignedOrZero('42\n'), unsignedOrZero('-1'), unsignedOrZero(undefined)], [42, 0, 0]);
});
