/**
 * The scheduler's series on the prober's /metrics: every target's latest probe families (blackbox
 * names) under its labels, its check counters, check duration histogram and state, and a few
 * series about the scheduler itself. Each target's lines are rendered at most once per check and
 * reused until it changes again, so a scrape is mostly string concatenation.
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
const CHECK_DURATION = {
  name: 'probe_check_duration_seconds',
  help: 'Duration of the probe that decided each check (the last attempt), in seconds.',
};
const SCHEDULER_TARGETS = describeMetric('probe_scheduler_targets', 'Targets the scheduler checks.', 'gauge');
const SCHEDULER_IN_FLIGHT = describeMetric('probe_scheduler_checks_in_flight', 'Probe attempts running now.', 'gauge');
const SCHEDULER_QUEUED = describeMetric('probe_scheduler_checks_queued', 'Checks that are due and wait for a free concurrency slot.', 'gauge');
const SCHEDULER_SKIPPED = describeMetric(
  'probe_scheduler_checks_skipped_total',
  'Check slots skipped because the previous check of the same target had not finished.',
  'counter',
);

const STATES: readonly Exclude<TargetStatus, 'unknown'>[] = ['up', 'down', 'pending'];
const OWN_FAMILIES = [CHECKS_TOTAL.name, CHECK_DURATION.name, TARGET_STATE.name];

export interface SchedulerCounts {
  targets: number;
  inFlight: number;
  queued: number;
  skipped: number;
}

function header(desc: MetricDesc, format: ExpositionFormat): string {
  const empty: MetricFamily = { desc, samples: [] };
  return format === 'text' ? renderText([empty]) : renderOpenMetrics([empty]);
}

/** Sample lines of one family with the target's labels in front (the header cut off). */
function sampleLines(family: MetricFamily, labelText: string): string {
  const text = renderText([family], labelText);
  return text.slice(text.indexOf('\n', text.indexOf('\n') + 1) + 1);
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

/** Family descriptions seen in probe results, by name, so headers can be written. */
const probeDescs = new Map<string, MetricDesc>();

/** The target's own series (counters, histogram, state) per family name, cached until they change. */
function ownLines(state: TargetState): Map<string, string> {
  if (state.ownLines !== undefined) return state.ownLines;
  const lines = new Map<string, string>();
  if (state.status !== 'unknown') {
    const checks = `${CHECKS_TOTAL.name}{${state.key},result="success"} ${state.checksSucceeded}\n${CHECKS_TOTAL.name}{${state.key},result="failure"} ${state.checksFailed}\n`;
    lines.set(CHECKS_TOTAL.name, checks);
    lines.set(CHECK_DURATION.name, histogramLines(state));
    let states = '';
    for (const name of STATES) states += `${TARGET_STATE.name}{${state.key},state="${name}"} ${state.status === name ? 1 : 0}\n`;
    lines.set(TARGET_STATE.name, states);
  }
  state.ownLines = lines;
  return lines;
}

/** The latest probe's families as lines per family name, rendered once per check. */
function probeLines(state: TargetState): Map<string, string> {
  if (state.latest === undefined) return state.probeLines;
  const lines = new Map<string, string>();
  for (const family of state.latest.families()) {
    if (OWN_FAMILIES.includes(family.desc.name)) continue;
    if (!probeDescs.has(family.desc.name)) probeDescs.set(family.desc.name, family.desc);
    lines.set(family.desc.name, sampleLines(family, state.key));
  }
  state.latest = undefined;
  state.probeLines = lines;
  return lines;
}

function familyHeader(name: string, format: ExpositionFormat): string {
  if (name === CHECK_DURATION.name) return `# HELP ${name} ${CHECK_DURATION.help}\n# TYPE ${name} histogram\n`;
  if (name === CHECKS_TOTAL.name) return header(CHECKS_TOTAL, format);
  if (name === TARGET_STATE.name) return header(TARGET_STATE, format);
  return header(probeDescs.get(name)!, format);
}

/** Every scheduler series, in the Prometheus text format or as OpenMetrics families (no `# EOF`). */
export function renderSchedulerMetrics(
  states: Iterable<TargetState>,
  counts: SchedulerCounts,
  location: string | undefined,
  format: ExpositionFormat = 'text',
): string {
  const chunks = new Map<string, string[]>(OWN_FAMILIES.map((name) => [name, []]));
  for (const state of states) {
    for (const [name, lines] of ownLines(state)) chunks.get(name)!.push(lines);
    for (const [name, lines] of probeLines(state)) {
      let list = chunks.get(name);
      if (list === undefined) chunks.set(name, (list = []));
      list.push(lines);
    }
  }
  let out = '';
  for (const [name, list] of chunks) {
    if (list.length > 0) out += familyHeader(name, format) + list.join('');
  }
  const selfLabels = location === undefined ? '' : constLabelText({ location });
  const self = (desc: MetricDesc, value: number): MetricFamily => ({ desc, samples: [{ labelValues: [], value }] });
  const selfFamilies = [
    self(SCHEDULER_TARGETS, counts.targets),
    self(SCHEDULER_IN_FLIGHT, counts.inFlight),
    self(SCHEDULER_QUEUED, counts.queued),
    self(SCHEDULER_SKIPPED, counts.skipped),
  ];
  out += format === 'text' ? renderText(selfFamilies, selfLabels) : renderOpenMetrics(selfFamilies, selfLabels);
  return out;
}
