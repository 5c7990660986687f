/** What a chart shows, independent of how it is drawn: plots stacked one above the other. */

export type Unit = 'seconds' | 'ratio' | 'days' | 'number';

export interface PlotSeries {
  name: string;
  /** [unix seconds, value] */
  points: Array<[number, number]>;
}

export interface Plot {
  title: string;
  /** The time axis, unix seconds. */
  start: number;
  end: number;
  unit: Unit;
  series: PlotSeries[];
  /** Drawn as a dashed line labelled with its value. */
  threshold?: number;
  /** Time ranges [from, to] in unix seconds shaded as outage. */
  outages?: Array<[number, number]>;
  /** 0/1 data such as probe_success, drawn as steps on a fixed 0–1 axis. */
  binary?: boolean;
}

export interface ChartSpec {
  title: string;
  plots: Plot[];
}
