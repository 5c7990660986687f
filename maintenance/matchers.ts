/**
 * Whether a silence's matchers select a label set, as Alertmanager decides it: every matcher must
 * match; a label that is absent counts as the empty string; regex matchers are anchored at both
 * ends and use Go's RE2 syntax (common/regex.ts); `isEqual: false` negates (`!=`, `!~`).
 */
import { compileAnchoredRegex, type GoRegExp } from '../common/regex.js';
import type { Matcher } from './silences.js';

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
