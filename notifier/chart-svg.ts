/** Draws a ChartSpec as SVG with ECharts' server-side renderer (no DOM, no browser). */
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TitleComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { ChartSpec, Plot, Unit } from './chart-model.js';

echarts.use([LineChart, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TitleComponent, SVGRenderer]);

export const CHART_WIDTH = 800;
const HEADER_HEIGHT = 64;
const PLOT_HEIGHT = 150;
const BINARY_PLOT_HEIGHT = 80;
/** Room above each plot for its title and below it for the time labels. */
const PLOT_GAP = 56;
const PALETTE = ['#0969da', '#8250df', '#1a7f37', '#bf3989', '#9a6700', '#0550ae', '#6e7781', '#953800'];
const OUTAGE_FILL = 'rgba(207, 34, 46, 0.16)';
const THRESHOLD_COLOR = '#cf222e';
const FONT_FAMILY = "'DejaVu Sans', 'Helvetica Neue', Helvetica, Arial, sans-serif";

function plotHeight(plot: Plot): number {
  return plot.binary === true ? BINARY_PLOT_HEIGHT : PLOT_HEIGHT;
}

export function chartHeight(spec: ChartSpec): number {
  return HEADER_HEIGHT + spec.plots.reduce((sum, plot) => sum + PLOT_GAP + plotHeight(plot), 0) + 8;
}

export function formatValue(value: number, unit: Unit): string {
  const round = (n: number) => String(Number(n.toPrecision(3)));
  switch (unit) {
    case 'seconds':
      return Math.abs(value) < 1 && value !== 0 ? `${round(value * 1000)} ms` : `${round(value)} s`;
    case 'ratio':
      return `${round(value * 100)}%`;
    case 'days':
      return `${round(value)} d`;
    case 'number':
      return round(value);
  }
}

/** The smallest of 1, 2, 2.5, 5 × a power of ten that is at least `value`: an axis end that reads well. */
function niceCeil(value: number): number {
  if (value <= 0) return value;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 2.5, 5, 10].find((step) => step * power >= value) ?? 10) * power;
}

/** The y range: ratios 0–100%; others from 0 (or below) up past the data and the threshold line, so it is in sight. */
function valueRange(plot: Plot): object {
  if (plot.unit === 'ratio') return { min: 0, max: 1 };
  const threshold = plot.threshold;
  return {
    min: (extent: { min: number }) => Math.min(0, extent.min),
    max: (extent: { max: number }) => niceCeil(threshold === undefined ? extent.max : Math.max(extent.max, threshold * 1.1)),
  };
}

/** Time labels in UTC, whatever the server's time zone: the messages say UTC too. */
function utcLabel(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.slice(11, 16) === '00:00' ? iso.slice(5, 10) : iso.slice(11, 16);
}

/** One colour per series name, the same in every plot, so a location keeps its colour. */
function colourOf(names: string[]): Map<string, string> {
  return new Map(names.map((name, i) => [name, PALETTE[i % PALETTE.length]!]));
}

export function renderSvg(spec: ChartSpec): string {
  const names = [...new Set(spec.plots.flatMap((plot) => plot.series.map((series) => series.name)))];
  const colours = colourOf(names);
  const titles: object[] = [{ text: spec.title, left: 12, top: 8, textStyle: { fontSize: 15, fontWeight: 'bold', color: '#1f2328' } }];
  const grids: object[] = [];
  const xAxes: object[] = [];
  const yAxes: object[] = [];
  const series: object[] = [];
  let top = HEADER_HEIGHT;

  spec.plots.forEach((plot, index) => {
    const height = plotHeight(plot);
    const empty = plot.series.every((each) => each.points.length === 0);
    titles.push({
      text: empty ? `${plot.title} (no data)` : plot.title,
      left: 12,
      top: top + 6,
      textStyle: { fontSize: 12, fontWeight: 'normal', color: '#57606a' },
    });
    top += PLOT_GAP - 20;
    grids.push({ left: 72, right: 24, top, height });
    xAxes.push({
      type: 'time',
      gridIndex: index,
      min: plot.start * 1000,
      max: plot.end * 1000,
      axisLabel: { color: '#57606a', fontSize: 10, fontFamily: FONT_FAMILY, hideOverlap: true, formatter: utcLabel },
      splitLine: { show: false },
    });
    yAxes.push({
      type: 'value',
      gridIndex: index,
      ...(plot.binary === true ? { min: 0, max: 1, interval: 1 } : valueRange(plot)),
      axisLabel: { color: '#57606a', fontSize: 10, fontFamily: FONT_FAMILY, formatter: (value: number) => formatValue(value, plot.unit) },
      splitLine: { lineStyle: { color: '#eaeef2' } },
    });
    const decorations = {
      ...(plot.threshold === undefined
        ? {}
        : {
            markLine: {
              silent: true,
              symbol: 'none',
              lineStyle: { color: THRESHOLD_COLOR, type: 'dashed', width: 1.5 },
              label: { position: 'insideEndTop', color: THRESHOLD_COLOR, fontSize: 10, formatter: `threshold ${formatValue(plot.threshold, plot.unit)}` },
              data: [{ yAxis: plot.threshold }],
            },
          }),
      ...(plot.outages === undefined || plot.outages.length === 0
        ? {}
        : {
            markArea: {
              silent: true,
              itemStyle: { color: OUTAGE_FILL },
              label: { show: true, position: 'insideTop', color: THRESHOLD_COLOR, fontSize: 10, formatter: 'down' },
              data: plot.outages.map(([from, to]) => [{ xAxis: from * 1000 }, { xAxis: to * 1000 }]),
            },
          }),
    };
    const lines = plot.series.length > 0 ? plot.series : [{ name: '', points: [] }];
    lines.forEach((line, i) => {
      series.push({
        type: 'line',
        name: line.name,
        xAxisIndex: index,
        yAxisIndex: index,
        showSymbol: false,
        step: plot.binary === true ? 'end' : false,
        connectNulls: false,
        lineStyle: { width: 1.5 },
        color: colours.get(line.name) ?? PALETTE[0],
        data: line.points.map(([time, value]) => [time * 1000, Number.isFinite(value) ? value : null]),
        // Threshold and outage are drawn once per plot, on its first line.
        ...(i === 0 ? decorations : {}),
      });
    });
    top += height + 20;
  });

  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height: chartHeight(spec) });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: FONT_FAMILY },
      title: titles,
      legend: { data: names, right: 16, top: 10, textStyle: { fontSize: 11, color: '#1f2328' }, itemWidth: 14, itemHeight: 8 },
      grid: grids,
      xAxis: xAxes,
      yAxis: yAxes,
      series,
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
