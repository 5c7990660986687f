/**
 * The status page's one renderer: the server runs it to write the page (so the page works without
 * JS) and the browser imports the same module to redraw the page from /api/v1/status. It imports
 * nothing at run time, so the browser can load it as it is compiled.
 *
 * `renderBody(snapshot, groupBy)` → HTML of the page's <main>; `pageTitle(snapshot)` → the tab title.
 * Hover texts are `data-tip` attributes drawn by CSS on hover and on focus (a tap focuses them), so
 * they work on phones and without JS.
 */
import type { PageState } from '../../scheduler/snapshot.js';
import type { LocationCheck, PageSnapshot, PageTarget } from './merge.js';

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** Worst first: the order of rows within a group, and of groups by their worst row. */
const RANK: Readonly<Record<PageState, number>> = { down: 0, pending: 1, unknown: 3, maintenance: 4, up: 5 };
const rank = (t: PageTarget): number => (t.slow ? 2 : RANK[t.state]);

function percent(ratio: number | null): string {
  if (ratio === null) return '–';
  const value = ratio * 100;
  return `${value === 100 ? '100' : value.toFixed(value >= 99 ? 2 : 1)}%`;
}

function milliseconds(ms: number): string {
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

/** On an availability cell: the failed checks it leaves out because they fell inside maintenance windows. */
function maintenanceTip(checks: number | undefined): string {
  return checks ? tip(`${checks} failed ${checks === 1 ? 'check' : 'checks'} in maintenance, not counted`) : '';
}

/** `2026-12-02 16:03:12 UTC` */
function absolute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function tip(text: string): string {
  return ` tabindex="-1" data-tip="${esc(text)}"`;
}

export function pageTitle(snapshot: PageSnapshot): string {
  const title = snapshot.location === null ? 'Platypus status' : `Platypus status: ${snapshot.location}`;
  return snapshot.summary.down > 0 ? `(${snapshot.summary.down} down) ${title}` : title;
}

function banner(snapshot: PageSnapshot): string {
  const { summary, targets } = snapshot;
  const total = targets.length;
  const maintenance = summary.maintenance > 0 ? ` · ${summary.maintenance} in maintenance` : '';
  if (total === 0) return '<div class="banner none" role="status">No targets</div>';
  if (summary.down > 0) {
    const names = targets.filter((t) => t.state === 'down').map((t) => t.name);
    const listed = names.slice(0, 5).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');
    return `<div class="banner down" role="status"><strong>${summary.down} of ${total} down</strong>: ${esc(listed)}${maintenance}</div>`;
  }
  if (summary.pending > 0) {
    const why = snapshot.locations === undefined ? 'retrying before counting as down' : 'not down by the rule of two locations (or retrying)';
    return `<div class="banner pending" role="status"><strong>${summary.pending} failing</strong>, ${why}${maintenance}</div>`;
  }
  const slow = targets.filter((t) => t.slow).length;
  const slowText = slow > 0 ? ` (${slow} slow)` : '';
  return `<div class="banner up" role="status"><strong>All systems operational</strong>${slowText}${maintenance}</div>`;
}

function statusCell(t: PageTarget, nowMs: number): string {
  const label = t.slow ? 'slow' : t.state;
  let detail = '';
  if (t.state === 'maintenance' && t.maintenance !== undefined) {
    const until = t.maintenance.until === null ? '' : ` until ${absolute(Date.parse(t.maintenance.until))}`;
    detail = ` <span class="since">${esc(t.maintenance.reason)}${esc(until)}</span>`;
  } else if (t.since !== null) {
    detail = ` <span class="since"${tip(`since ${absolute(Date.parse(t.since))}`)}><time datetime="${esc(t.since)}">for ${ago(t.since, nowMs)}</time></span>`;
  }
  return `<td class="status"><span class="badge">${esc(label)}</span>${detail}</td>`;
}

function nameCell(t: PageTarget): string {
  const name = t.name === t.target ? `<span class="name">${esc(t.name)}</span>` : `<span class="name"${tip(t.target)}>${esc(t.name)}</span>`;
  return `<td class="target">${name} <span class="module">${esc(t.module)}</span></td>`;
}

function checksCell(t: PageTarget): string {
  const checks = t.recentChecks;
  const failed = checks.filter(([, , failure]) => failure !== null).length;
  let bars = '';
  for (const [at, ms, failure] of checks) {
    const kind = failure !== null ? 'fail' : ms > t.slowSeconds * 1000 ? 'slow' : 'ok';
    const what = failure !== null ? `failed: ${failure}` : `${kind === 'slow' ? 'slow, ' : 'up, '}${milliseconds(ms)}`;
    bars += `<span class="c ${kind}"${tip(`${absolute(at * 1000)} · ${what}`)}></span>`;
  }
  const label = `last ${checks.length} checks: ${checks.length - failed} up, ${failed} failed`;
  return `<td class="checks"><div class="bar" role="img" aria-label="${esc(label)}">${bars}</div></td>`;
}

/** Latency of the successful recent checks as a line; failed checks leave gaps. */
function sparkline(t: PageTarget): string {
  const checks = t.recentChecks;
  const max = Math.max(1, ...checks.filter(([, , failure]) => failure === null).map(([, ms]) => ms));
  const step = 100 / Math.max(1, checks.length - 1);
  let path = '';
  let drawing = false;
  checks.forEach(([, ms, failure], i) => {
    if (failure !== null) {
      drawing = false;
      return;
    }
    path += `${drawing ? 'L' : 'M'}${(i * step).toFixed(1)} ${(22 - (ms / max) * 20).toFixed(1)}`;
    drawing = true;
  });
  return `<svg class="spark" viewBox="0 0 100 24" preserveAspectRatio="none" aria-hidden="true"><path d="${path}"/></svg>`;
}

function latencyCell(t: PageTarget): string {
  const value = t.latencySeconds === null ? '–' : milliseconds(t.latencySeconds * 1000);
  return `<td class="latency">${t.recentChecks.length > 1 ? sparkline(t) : ''}<span class="num">${value}</span></td>`;
}

function failureCell(t: PageTarget, nowMs: number): string {
  if (t.lastFailureReason === null || t.lastFailureAt === null) return '<td class="failure"></td>';
  const at = Date.parse(t.lastFailureAt);
  return `<td class="failure"><span class="reason">${esc(t.lastFailureReason)}</span> <span class="since"${tip(absolute(at))}>${ago(t.lastFailureAt, nowMs)} ago</span></td>`;
}

function locationChip(check: LocationCheck): string {
  const label = check.slow && check.state === 'up' ? 'slow' : check.state;
  const latency = check.latencySeconds === null ? '' : `, ${milliseconds(check.latencySeconds * 1000)}`;
  const failure = check.state !== 'up' && check.lastFailureReason !== null ? ` · ${check.lastFailureReason}` : '';
  return `<span class="loc ${esc(label)}"${tip(`${check.location}: ${label}${latency}${failure}`)}>${esc(check.location)}</span>`;
}

/** With peers: one mark per location, coloured by its own state. */
function locationsCell(t: PageTarget): string {
  return `<td class="locations">${(t.locations ?? []).map(locationChip).join(' ')}</td>`;
}

function notices(snapshot: PageSnapshot): string {
  return (snapshot.notices ?? []).map((notice) => `<p class="notice" role="alert">${esc(notice)}</p>`).join('');
}

function certCell(t: PageTarget): string {
  if (t.certDaysLeft === null) return '<td class="cert">–</td>';
  const cls = t.certDaysLeft < 7 ? 'cert bad' : t.certDaysLeft < 21 ? 'cert warn' : 'cert';
  return `<td class="${cls}">${t.certDaysLeft} d</td>`;
}

function groupName(t: PageTarget, groupBy: string | undefined): string {
  if (groupBy === undefined || groupBy === '') return t.group;
  if (groupBy === 'module') return t.module;
  return t.labels[groupBy] || `(no ${groupBy})`;
}

const byRankThenName = (a: PageTarget, b: PageTarget): number => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function renderBody(snapshot: PageSnapshot, groupBy: string | undefined): string {
  const nowMs = Date.parse(snapshot.generatedAt);
  const groups = new Map<string, PageTarget[]>();
  for (const t of snapshot.targets) {
    const name = groupName(t, groupBy);
    const rows = groups.get(name) ?? [];
    rows.push(t);
    groups.set(name, rows);
  }
  for (const rows of groups.values()) rows.sort(byRankThenName);
  const worst = (name: string): number => rank(groups.get(name)![0]!);
  const s = snapshot.summary;
  const multi = snapshot.locations !== undefined;
  let html =
    banner(snapshot) +
    notices(snapshot) +
    `<p class="summary"><span class="n up">${s.up} up</span> <span class="n down">${s.down} down</span> ` +
    `<span class="n pending">${s.pending} pending</span>${s.maintenance ? ` <span class="n maintenance">${s.maintenance} maintenance</span>` : ''}` +
    `${s.unknown ? ` <span class="n unknown">${s.unknown} not checked yet</span>` : ''}` +
    ` <span class="updated">updated <time datetime="${esc(snapshot.generatedAt)}">${esc(snapshot.generatedAt.slice(11, 19))} UTC</time></span></p>`;
  const names = [...groups.keys()].sort((a, b) => worst(a) - worst(b) || (a < b ? -1 : 1));
  for (const name of names) {
    const rows = groups.get(name)!;
    const down = rows.filter((t) => t.state === 'down').length;
    html +=
      `<section><h2>${esc(name)} <small>${rows.length}${rows.length === 1 ? ' target' : ' targets'}${down ? `, ${down} down` : ''}</small></h2>` +
      `<table><thead><tr><th class="status">status</th><th>name</th>${multi ? '<th class="locations">locations</th>' : ''}<th class="checks">last checks</th><th class="latency">latency</th><th class="a24">24 h</th><th class="a7">7 d</th><th class="failure">last failure</th><th class="cert">cert</th></tr></thead><tbody>`;
    for (const t of rows) {
      html +=
        `<tr class="state-${esc(t.state)}${t.slow ? ' slow' : ''}" data-target="${esc(t.target)}">${statusCell(t, nowMs)}${nameCell(t)}${multi ? locationsCell(t) : ''}` +
        `${checksCell(t)}${latencyCell(t)}` +
        `<td class="num a24"${maintenanceTip(t.maintenanceChecks24h)}>${percent(t.availability24h)}</td>` +
        `<td class="num a7"${maintenanceTip(t.maintenanceChecks7d)}>${percent(t.availability7d)}</td>` +
        `${failureCell(t, nowMs)}${certCell(t)}</tr>`;
    }
    html += '</tbody></table></section>';
  }
  return html;
}
