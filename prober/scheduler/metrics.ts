/**
 * The scheduler's series on the prober's /metrics: every target's latest probe families (blackbox
 * names) under its labels, its check counters, check duration histogram and state, and a few
 * series about the scheduler itself. Rendered at scrape time straight from the compact state
 * (counters, the shared result shapes and each target's values): nothing is kept in text form.
 */
import {
  constLabelText,
  describeMetric,
  formatValue,
  renderOpenMetrics,
  renderText,
  type MetricDesc,
  type MetricFamily,
} from '../../common/metrics.js';
import type { ShapeTable } from './result-shape.js';
import type { Shard } from './shard.js';
import { DURATION_BUCKETS, type TargetState, type TargetStatus } from './state.js';

export type ExpositionFormat = 'text' | 'openmetrics';

const CHECKS_TOTAL = describeMetric(
  'probe_checks_total',
  'Checks of the target by the scheduler (a check is one probe plus its retries), by result.',
  'counter',
  ['result'],
);
const TARGET_STATE = describeMetric(
  'probe_target_state',
  'Scheduler state of the target: 1 for the current state (up, down, or pending = failing with retries left), 0 for the others.',
  'gauge',
  ['state'],
);
const STATE_SINCE = describeMetric(
  'probe_target_state_since_timestamp_seconds',
  'When the target was first seen failing (or first seen up after failing), as a unix timestamp in seconds: the true start of its current state, earlier than any alert on it.',
  'gauge',
);
const CHECK_DURATION = {
  name: 'probe_check_duration_seconds',
  help: 'Duration of the probe that decided each check (the last attempt), in seconds.',
};
const SCHEDULER_TARGETS = describeMetric('probe_scheduler_targets', "Targets the scheduler checks (its shard's share of the listed ones).", 'gauge');
const SCHEDULER_TARGETS_LISTED = describeMetric(
  'probe_scheduler_targets_listed',
  'Targets in the scheduler lists (inline and file_sd, each label set once), before its shard takes its share.',
  'gauge',
);
const SCHEDULER_SHARD_INFO = describeMetric(
  'probe_scheduler_shard_info',
  'The share of the target list this prober checks: the targets whose hash modulo count is index (0 of 1: all of them).',
  'gauge',
  ['index', 'count'],
);
const SCHEDULER_IN_FLIGHT = describeMetric('probe_scheduler_checks_in_flight', 'Probe attempts running now.', 'gauge');
const SCHEDULER_QUEUED = describeMetric('probe_scheduler_checks_queued', 'Checks that are due and wait for a free concurrency slot.', 'gauge');
const SCHEDULER_SKIPPED = describeMetric(
  'probe_scheduler_checks_skipped_total',
  'Check slots skipped because the previous check of the same target had not finished.',
  'counter',
);
const SCHEDULER_START_DELAY = describeMetric(
  'probe_scheduler_check_start_delay_seconds',
  "Delay between a check's slot and the start of its first attempt (start skew): quantiles over the last 4096 slotted checks.",
  'summary',
);

const STATES: readonly Exclude<TargetStatus, 'unknown'>[] = ['up', 'down', 'pending'];
const OWN_FAMILIES = [CHECKS_TOTAL.name, CHECK_DURATION.name, TARGET_STATE.name, STATE_SINCE.name];

export interface SchedulerCounts {
  targets: number;
  listed: number;
  inFlight: number;
  queued: number;
  skipped: number;
  startDelay: { p50: number; p99: number; sum: number; count: number };
}

function header(desc: MetricDesc, format: ExpositionFormat): string {
  const empty: MetricFamily = { desc, samples: [] };
  return format === 'text' ? renderText([empty]) : renderOpenMetrics([empty]);
}

function histogramLines(state: TargetState): string {
  const { name } = CHECK_DURATION;
  const counts = state.durations;
  let cumulative = 0;
  let out = '';
  for (let i = 0; i < DURATION_BUCKETS.length; i++) {
    cumulative += counts[i]!;
    out += `${name}_bucket{${state.key},le="${formatValue(DURATION_BUCKETS[i]!)}"} ${cumulative}\n`;
  }
  cumulative += counts[DURATION_BUCKETS.length]!;
  out += `${name}_bucket{${state.key},le="+Inf"} ${cumulative}\n`;
  out += `${name}_sum{${state.key}} ${formatValue(counts[DURATION_BUCKETS.length + 1]!)}\n`;
  out += `${name}_count{${state.key}} ${cumulative}\n`;
  return out;
}

function checksLines(state: TargetState): string {
  return `${CHECKS_TOTAL.name}{${state.key},result="success"} ${state.checksSucceeded}\n${CHECKS_TOTAL.name}{${state.key},result="failure"} ${state.checksFailed}\n`;
}

function stateLines(state: TargetState): string {
  let out = '';
  for (const name of STATES) out += `${TARGET_STATE.name}{${state.key},state="${name}"} ${state.status === name ? 1 : 0}\n`;
  return out;
}

function sinceLines(state: TargetState): string {
  return state.sinceMs === undefined ? '' : `${STATE_SINCE.name}{${state.key}} ${formatValue(state.sinceMs / 1000)}\n`;
}

/** Targets whose lines go into one chunk: ~50-150 KB of text, so a scrape never holds the whole exposition at once. */
const TARGETS_PER_CHUNK = 256;

function* batched(states: readonly TargetState[], lines: (state: TargetState) => string): Generator<string> {
  for (let from = 0; from < states.length; from += TARGETS_PER_CHUNK) {
    let out = '';
    const to = Math.min(states.length, from + TARGETS_PER_CHUNK);
    for (let i = from; i < to; i++) out += lines(states[i]!);
    if (out !== '') yield out;
  }
}

function probeFamilyLines(name: string): (state: TargetState) => string {
  return (state) => {
    const family = state.shape?.families.get(name);
    if (family === undefined) return '';
    const values = state.values!;
    let out = '';
    for (let i = family.start; i < family.end; i++) {
      out += `${name}{${state.key}${family.labelSuffixes[i - family.start]!}} ${formatValue(values[i]!)}\n`;
    }
    return out;
  };
}

/**
 * Every scheduler series, in the Prometheus text format or as OpenMetrics families (no `# EOF`),
 * in chunks of a few hundred targets, for streaming: at 10,000 targets the whole text is ~60 MB.
 * A target's lines of one family come from one moment; different chunks may be a check apart.
 */
export function* schedulerMetricChunks(
  targets: Iterable<TargetState>,
  shapes: ShapeTable,
  counts: SchedulerCounts,
  shard: Shard,
  location: string | undefined,
  format: ExpositionFormat = 'text',
): Generator<string> {
  const checked = [...targets].filter((state) => state.status !== 'unknown');
  if (checked.length > 0) {
    yield header(CHECKS_TOTAL, format);
    yield* batched(checked, checksLines);
    yield `# HELP ${CHECK_DURATION.name} ${CHECK_DURATION.help}\n# TYPE ${CHECK_DURATION.name} histogram\n`;
    yield* batched(checked, histogramLines);
    yield header(TARGET_STATE, format);
    yield* batched(checked, stateLines);
    yield header(STATE_SINCE, format);
    yield* batched(checked, sinceLines);
  }
  for (const [name, desc] of [...shapes.descs]) {
    if (OWN_FAMILIES.includes(name)) continue;
    let headed = false;
    for (const lines of batched(checked, probeFamilyLines(name))) {
      if (!headed) yield header(desc, format);
      headed = true;
      yield lines;
    }
  }
  const selfLabels = location === undefined ? '' : constLabelText({ location });
  const self = (desc: MetricDesc, value: number, labelValues: string[] = []): MetricFamily => ({ desc, samples: [{ labelValues, value }] });
  const { p50, p99, sum, count } = counts.startDelay;
  const startDelay: MetricFamily = { desc: SCHEDULER_START_DELAY, samples: [{ labelValues: [], value: count, summary: { quantiles: [0.5, 0.99], values: [p50, p99], sum, count } }] };
  const selfFamilies = [
    self(SCHEDULER_SHARD_INFO, 1, [String(shard.index), String(shard.count)]),
    self(SCHEDULER_TARGETS, counts.targets),
    self(SCHEDULER_TARGETS_LISTED, counts.listed),
    self(SCHEDULER_IN_FLIGHT, counts.inFlight),
    self(SCHEDULER_QUEUED, counts.queued),
    self(SCHEDULER_SKIPPED, counts.skipped),
    startDelay,
  ];
  yield format === 'text' ? renderText(selfFamilies, selfLabels) : renderOpenMetrics(selfFamilies, selfLabels);
}
