/**
 * Whether a silence's matchers select a label set, as Alertmanager decides it: every matcher must
 * match; a label that is absent counts as the empty string; regex matchers are anchored at both
 * ends and use Go's RE2 syntax (common/regex.ts); `isEqual: false` negates (`!=`, `!~`).
 */
import { compileAnchoredRegex, type GoRegExp } from '../common/regex.js';
import type { ActiveSilence, Matcher } from './silences.js';

// Silences are few and asked again every few seconds: each pattern is compiled once.
const compiled = new Map<string, GoRegExp | null>();

function regex(source: string): GoRegExp | null {
  let re = compiled.get(source);
  if (re === undefined) {
    try {
      re = compileAnchoredRegex(source);
    } catch {
      // Alertmanager refuses such a silence; one that slipped through matches nothing.
      re = null;
    }
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(source, re);
  }
  return re;
}

function matcherMatches(matcher: Matcher, labels: Readonly<Record<string, string>>): boolean {
  const value = labels[matcher.name] ?? '';
  let matches: boolean;
  if (matcher.isRegex) {
    const re = regex(matcher.value);
    if (re === null) return false;
    matches = re.test(value);
  } else {
    matches = value === matcher.value;
  }
  return matcher.isEqual === false ? !matches : matches;
}

export function matchersMatch(matchers: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean {
  return matchers.every((matcher) => matcherMatches(matcher, labels));
}

/**
 * Labels of PanelDown's alerts that a target does not have: a silence matcher on one of them is
 * left out (a silence on `job="prober", panel="x"` puts panel x in maintenance).
 */
const ALERT_ONLY_LABELS = new Set(['job', 'instance', 'severity', 'topic']);

/**
 * The silence in force on a target that ends last, if any. `seriesLabels` are the target's series
 * labels (target, module, group and file labels such as panel, location); the silence is matched
 * against those PanelDown carries: all but location, and the alert's name. `nowMs`: silences that
 * have ended by then are passed over.
 */
export function maintenanceSilence(seriesLabels: Readonly<Record<string, string>>, silences: readonly ActiveSilence[], nowMs?: number): ActiveSilence | undefined {
  const { location: _location, ...labels } = seriesLabels;
  const alertLabels = { ...labels, alertname: 'PanelDown' };
  let found: ActiveSilence | undefined;
  for (const silence of silences) {
    if (nowMs !== undefined && silence.endsAt.getTime() <= nowMs) continue;
    const matchers = silence.matchers.filter((matcher) => !ALERT_ONLY_LABELS.has(matcher.name));
    if (matchersMatch(matchers, alertLabels) && (found === undefined || silence.endsAt > found.endsAt)) found = silence;
  }
  return found;
}
