/**
 * blackbox's `?debug=true` view of one probe: the probe's log lines, the metrics it would have
 * returned and its module as YAML, secrets redacted.
 */
import { REDACTED, redactUserinfo } from '../log-value.js';
import { stringify } from 'yaml';
import { renderText } from '../../common/metrics.js';
import { formatDuration } from '../../common/duration.js';
import { GoRegExp } from '../../common/regex.js';
import type { StatusCodeRange } from '../http/config.js';
import type { Module } from '../module.js';
import type { ProbeResult } from '../probe.js';

const SECRET_KEYS = new Set(['password', 'bearer_token', 'key']);
const SECRET_HEADER = /authorization|cookie|token|secret|password|api[-_]?key/i;
// PEM text read from a *_file is shown as the file name only.
const FILE_BACKED = new Map([
  ['ca', 'ca_file'],
  ['cert', 'cert_file'],
  ['key', 'key_file'],
  ['password', 'password_file'],
  ['bearer_token', 'bearer_token_file'],
]);

function statusCodeText(range: StatusCodeRange): string | number {
  if (range.min === range.max) return range.min;
  if (range.min % 100 === 0 && range.max === range.min + 99) return `${range.min / 100}xx`;
  return `${range.min}-${range.max}`;
}

/** A config section as YAML-ready data: regexes as text, secrets redacted, empty and false values left out. */
function plain(value: unknown, key = ''): unknown {
  if (value instanceof GoRegExp) return value.source;
  if (Array.isArray(value)) {
    const items = value.map((item) => (key === 'valid_status_codes' ? statusCodeText(item as StatusCodeRange) : plain(item)));
    return items.length === 0 ? undefined : items;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [name, inner] of Object.entries(record)) {
      const fileKey = FILE_BACKED.get(name);
      if (fileKey !== undefined && record[fileKey] !== undefined) continue;
      const secret = key === 'headers' ? SECRET_HEADER.test(name) : SECRET_KEYS.has(name);
      const shown = secret && inner !== undefined ? REDACTED : plain(inner, name);
      if (shown !== undefined) out[name] = shown;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  if (value === false || value === '' || value === 0) return undefined;
  return typeof value === 'string' ? redactUserinfo(value) : value;
}

export function moduleYAML(module: Module): string {
  const shown: Record<string, unknown> = { prober: module.prober };
  if (module.timeout > 0) shown.timeout = formatDuration(module.timeout);
  shown[module.prober] = plain(module[module.prober]) ?? {};
  return stringify(shown);
}

export function debugOutput({ logs = '', families, module }: ProbeResult): string {
  const metrics = renderText(families.families());
  return `Logs for the probe:\n${logs}\n\n\nMetrics that would have been returned:\n${metrics}\n\n\nModule configuration:\n${moduleYAML(module)}\n`;
}
