import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { ChartSpec } from '../../notifier/chart-model.js';
import { svgToPng } from '../../notifier/chart-png.js';
import { CHART_WIDTH, chartHeight, formatValue, renderSvg } from '../../notifier/chart-svg.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function spec(name: string): ChartSpec {
  return JSON.parse(readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8')) as ChartSpec;
}

/** Width and height from the PNG's IHDR chunk. */
function pngHeader(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

test('a panel chart shows every location, the outage and the latency threshold, as a PNG of the expected size', async () => {
  const chart = spec('chart-panel.json');
  const svg = renderSvg(chart);
  assert.match(svg, /^<svg/);
  for (const text of ['game-panel-1: response time', 'game-panel-1: check succeeded', '>fra<', '>ams<', '>threshold 2 s<', '>down<']) {
    assert.ok(svg.includes(text), `SVG lacks ${text}`);
  }
  // One polyline/path per location per plot: 2 locations × 2 plots.
  assert.ok((svg.match(/<path d="M[^"]*L/g) ?? []).length >= 4, 'the series are drawn');
  const png = await svgToPng(svg, { fontFiles: [] });
  assert.deepEqual(png.data.subarray(0, 8), PNG_SIGNATURE);
  assert.deepEqual(pngHeader(png.data), { width: CHART_WIDTH, height: chartHeight(chart) });
  assert.deepEqual({ width: png.width, height: png.height }, pngHeader(png.data));
  assert.ok(png.data.length > 10_000, `a drawn chart, not a blank one (${png.data.length} bytes)`);
});

test('a host chart has its threshold line in sight even when the data stays below it', () => {
  const svg = renderSvg(spec('chart-host.json'));
  assert.ok(svg.includes('>threshold 90%<'));
  assert.ok(svg.includes('>10.0.0.7:9100<'));
  assert.ok(svg.includes('>100%<'), 'the y axis reaches past the threshold');
});

test('a plot without data says so instead of failing', async () => {
  const chart: ChartSpec = { title: 'ExporterDown', plots: [{ title: 'host: up', start: 1_780_000_000, end: 1_780_003_600, unit: 'number', binary: true, series: [] }] };
  const svg = renderSvg(chart);
  assert.ok(svg.includes('host: up (no data)'));
  const png = await svgToPng(svg, { fontFiles: [] });
  assert.deepEqual(png.data.subarray(0, 8), PNG_SIGNATURE);
});

test('values are shown in their unit', () => {
  assert.equal(formatValue(0.2504, 'seconds'), '250 ms');
  assert.equal(formatValue(2, 'seconds'), '2 s');
  assert.equal(formatValue(0.9, 'ratio'), '90%');
  assert.equal(formatValue(13.5, 'days'), '13.5 d');
  assert.equal(formatValue(1, 'number'), '1');
});
