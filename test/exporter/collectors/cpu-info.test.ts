import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileRegex } from '../../../common/regex.js';
import { MetricFamilies, renderText } from '../../../common/metrics.js';
import { addCpuInfo, cpuInfoDefaults, cpuInfoWanted } from '../../../exporter/collectors/cpu-info.js';
import { cpuCollector } from '../../../exporter/collectors/cpu.js';
import { createCollector, expected, fixtureOptions, fixturePaths, scrape } from './fixture.js';

const cpuinfo = readFileSync(join(fixturePaths.procfs, 'cpuinfo'), 'utf8');

function render(options: Parameters<typeof addCpuInfo>[2]): string {
  const families = new MetricFamilies();
  addCpuInfo(families, cpuinfo, options);
  return renderText(families.families());
}

test('cpu info renders this machine\'s /proc/cpuinfo as expected/cpu-info.prom, flags and bugs filtered by their include patterns', () => {
  assert.equal(render({ enabled: true, flagsInclude: compileRegex('^(avx.*|sse2)$'), bugsInclude: compileRegex('spectre'), cpufreqEnabled: false }), expected('cpu-info.prom'));
});

test('cpu info: no flag or bug families without a pattern; frequencies from cpu MHz when cpufreq is on; either pattern turns info on', () => {
  assert.doesNotMatch(render({ ...cpuInfoDefaults, enabled: true }), /node_cpu_(flag|bug)_info|node_cpu_frequency_hertz/);
  const text = render({ ...cpuInfoDefaults, enabled: true, cpufreqEnabled: true });
  // 2095.999 MHz × 1e6, in floating point as node_exporter computes it.
  assert.match(text, /^node_cpu_frequency_hertz\{package="0",core="0",cpu="0"\} 2095998999.9999998$/m);
  assert.equal(cpuInfoWanted(cpuInfoDefaults), false);
  assert.equal(cpuInfoWanted({ ...cpuInfoDefaults, bugsInclude: compileRegex('.') }), true);
  const families = new MetricFamilies();
  assert.throws(() => addCpuInfo(families, 'vendor_id : x\n', cpuInfoDefaults, 'cpuinfo'), /cpuinfo: "vendor_id : x" before the first processor line/);
});

test('cpu collector: --collector.cpu.info adds the info families, --no-collector.cpu.guest drops the guest family', async () => {
  const options = fixtureOptions();
  options.cpu = { guest: false, info: false, infoBugsInclude: compileRegex('spectre') };
  const text = await scrape(createCollector(cpuCollector, { options }));
  assert.match(text, /^node_cpu_info\{package="0",core="0",cpu="0",/m);
  assert.match(text, /^node_cpu_bug_info\{bug="spectre_v1"\} 1$/m);
  assert.doesNotMatch(text, /node_cpu_guest_seconds_total|node_cpu_flag_info|node_cpu_frequency_hertz/);
  assert.doesNotMatch(await scrape(createCollector(cpuCollector)), /node_cpu_info/);
});
