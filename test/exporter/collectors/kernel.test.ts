import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRegex, type GoRegExp } from '../../../common/regex.js';
import { entropyCollector } from '../../../exporter/collectors/entropy.js';
import { schedstatCollector } from '../../../exporter/collectors/schedstat.js';
import { selinuxCollector } from '../../../exporter/collectors/selinux.js';
import { interruptsCollector } from '../../../exporter/collectors/interrupts.js';
import { filefdCollector } from '../../../exporter/collectors/filefd.js';
import { NoDataError } from '../../../exporter/types.js';
import { createCollector, fixtureOptions, scrape } from './fixture.js';
import { testRendersFixture } from './renders.js';
import { procTree, sysTree } from './proc-tree.js';

testRendersFixture([
  [filefdCollector, 'filefd.prom'],
  [entropyCollector, 'entropy.prom'],
  [schedstatCollector, 'schedstat.prom'],
  [selinuxCollector, 'selinux.prom'],
  [interruptsCollector, 'interrupts.prom'],
]);

test('schedstat: a kernel without CONFIG_SCHEDSTATS means no data (success 0), not an error', async (t) => {
  const paths = procTree(t, { stat: '' });
  await assert.rejects(scrape(createCollector(schedstatCollector, { paths })), NoDataError);
});

test('selinux: without selinuxfs only node_selinux_enabled 0', async (t) => {
  const text = await scrape(createCollector(selinuxCollector, { paths: sysTree(t, { 'fs/ext4/features/lazy_itable_init': 'supported' }) }));
  assert.deepEqual(text.split('\n').filter((line) => line.startsWith('node_')), ['node_selinux_enabled 0']);
});

test('interrupts: name filters match "name;info;devices"; include-zeros=false drops zero counts', async () => {
  const withInterrupts = (interrupts: { includeZeros: boolean; nameInclude?: GoRegExp; nameExclude?: GoRegExp }) => {
    const options = fixtureOptions();
    options.interrupts = interrupts;
    return options;
  };
  const series = async (interrupts: Parameters<typeof withInterrupts>[0]): Promise<string[]> =>
    (await scrape(createCollector(interruptsCollector, { options: withInterrupts(interrupts) }))).split('\n').filter((line) => line.startsWith('node_'));
  const timers = await series({ includeZeros: true, nameInclude: compileRegex('^LOC;') });
  assert.deepEqual(timers.map((line) => line.replace(/ \d+$/, '')), [
    'node_interrupts_total{cpu="0",type="LOC",info="Local timer interrupts",devices=""}',
    'node_interrupts_total{cpu="1",type="LOC",info="Local timer interrupts",devices=""}',
  ]);
  const acpi = await series({ includeZeros: false, nameInclude: compileRegex('ACPI:Ged$') });
  assert.deepEqual(acpi, [
    'node_interrupts_total{cpu="0",type="24",info="IO-APIC",devices="5-edge ACPI:Ged"} 1',
    'node_interrupts_total{cpu="1",type="25",info="IO-APIC",devices="6-edge ACPI:Ged"} 1',
  ]);
  assert.ok((await series({ includeZeros: true, nameExclude: compileRegex('^LOC;') })).every((line) => !line.includes('type="LOC"')));
  assert.throws(
    () => createCollector(interruptsCollector, { options: withInterrupts({ includeZeros: true, nameInclude: compileRegex('a'), nameExclude: compileRegex('b') }) }),
    /interrupts: device include and device exclude are mutually exclusive/,
  );
});
