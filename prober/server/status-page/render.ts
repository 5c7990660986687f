/**
 * The status page's one renderer: the server runs it to write the page (so the page works without
 * JS) and the browser imports the same module to redraw the page from /api/v1/targets. It imports
 * nothing at run time, so the browser can load it as it is compiled.
 *
 * `renderBody(snapshot, groupBy)` → HTML of the page's <main>.
 */
import type { StatusSnapshot, TargetSnapshot } from '../../scheduler/snapshot.js';

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

function percent(ratio: number | null): string {
  if (ratio === null) return '–';
  const value = ratio * 100;
  return `${value === 100 ? '100' : value.toFixed(value >= 99 ? 2 : 1)}%`;
}

function latency(seconds: number | null): string {
  if (seconds === null) return '–';
  const ms = seconds * 1000;
  return `${ms >= 10 ? Math.round(ms) : ms.toFixed(1)} ms`;
}

function ago(iso: string | null, nowMs: number): string {
  if (iso === null) return '';
  const s = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (s < 90) return `${s}s`;
  if (s < 5400) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

function certCell(t: TargetSnapshot): string {
  if (t.certDaysLeft === null) return '<td class="cert">–</td>';
  const cls = t.certDaysLeft < 7 ? 'cert bad' : t.certDaysLeft < 21 ? 'cert warn' : 'cert';
  return `<td class="${cls}">${t.certDaysLeft} d</td>`;
}

function statusCell(t: TargetSnapshot, nowMs: number): string {
  const since = t.since === null ? '' : ` <span class="since">for ${ago(t.since, nowMs)}</span>`;
  return `<td class="status"><span class="badge">${esc(t.state)}</span>${since}</td>`;
}

function failureCell(t: TargetSnapshot, nowMs: number): string {
  if (t.lastFailureReason === null) return '<td class="failure"></td>';
  const when = `${ago(t.lastFailureAt, nowMs)} ago`;
  return `<td class="failure"><span class="reason">${esc(t.lastFailureReason)}</span> <span class="since">${when}</span></td>`;
}

function groupName(t: TargetSnapshot, groupBy: string | undefined): string {
  if (groupBy === undefined || groupBy === '') return t.group;
  if (groupBy === 'module') return t.module;
  return t.labels[groupBy] || `(no ${groupBy})`;
}

export function renderBody(snapshot: StatusSnapshot, groupBy: string | undefined): string {
  const nowMs = Date.parse(snapshot.generatedAt);
  const groups = new Map<string, TargetSnapshot[]>();
  for (const t of snapshot.targets) {
    const name = groupName(t, groupBy);
    const rows = groups.get(name) ?? [];
    rows.push(t);
    groups.set(name, rows);
  }
  const s = snapshot.summary;
  let html =
    `<p class="summary"><span class="n up">${s.up} up</span> <span class="n down">${s.down} down</span> ` +
    `<span class="n pending">${s.pending} pending</span>${s.unknown ? ` <span class="n unknown">${s.unknown} not checked yet</span>` : ''}` +
    ` <span class="updated">updated <time>${esc(snapshot.generatedAt.slice(11, 19))} UTC</time></span></p>`;
  for (const name of [...groups.keys()].sort()) {
    const rows = groups.get(name) ?? [];
    const down = rows.filter((t) => t.state === 'down').length;
    html +=
      `<section><h2>${esc(name)} <small>${rows.length}${rows.length === 1 ? ' target' : ' targets'}${down ? `, ${down} down` : ''}</small></h2>` +
      '<div class="scroll"><table><thead><tr><th>status</th><th>target</th><th>latency</th><th>24 h</th><th>7 d</th><th>last failure</th><th>cert</th></tr></thead><tbody>';
    for (const t of rows) {
      html +=
        `<tr class="state-${esc(t.state)}" data-target="${esc(t.target)}">${statusCell(t, nowMs)}` +
        `<td class="target">${esc(t.target)} <span class="module">${esc(t.module)}</span></td>` +
        `<td class="num">${latency(t.latencySeconds)}</td>` +
        `<td class="num">${percent(t.availability24h)}</td>` +
        `<td class="num">${percent(t.availability7d)}</td>` +
        `${failureCell(t, nowMs)}${certCell(t)}</tr>`;
    }
    html += '</tbody></table></div></section>';
  }
  if (snapshot.targets.length === 0) html += '<p>No targets.</p>';
  return html;
}
