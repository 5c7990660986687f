/**
 * The status page's one renderer, as plain browser JavaScript: the server runs it to write the page
 * (so the page works without JS) and the page runs the same text to redraw itself from
 * /api/v1/targets. One source, so the two never drift.
 *
 * `renderBody(snapshot, groupBy)` → HTML of the page's <main>.
 */
export const RENDER_SOURCE = String.raw`
function esc(value) {
  return String(value).replace(/[&<>"']/g, function (c) {
    return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
  });
}
function percent(ratio) {
  if (ratio === null) return '–';
  var value = ratio * 100;
  return (value === 100 ? '100' : value.toFixed(value >= 99 ? 2 : 1)) + '%';
}
function latency(seconds) {
  if (seconds === null) return '–';
  var ms = seconds * 1000;
  return (ms >= 10 ? Math.round(ms) : ms.toFixed(1)) + ' ms';
}
function ago(iso, nowMs) {
  if (iso === null) return '';
  var s = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (s < 90) return s + 's';
  if (s < 5400) return Math.round(s / 60) + 'm';
  if (s < 172800) return Math.round(s / 3600) + 'h';
  return Math.round(s / 86400) + 'd';
}
function certCell(t) {
  if (t.certDaysLeft === null) return '<td class="cert">–</td>';
  var cls = t.certDaysLeft < 7 ? 'cert bad' : t.certDaysLeft < 21 ? 'cert warn' : 'cert';
  return '<td class="' + cls + '">' + t.certDaysLeft + ' d</td>';
}
function statusCell(t, nowMs) {
  var since = t.since === null ? '' : ' <span class="since">for ' + ago(t.since, nowMs) + '</span>';
  return '<td class="status"><span class="badge">' + esc(t.state) + '</span>' + since + '</td>';
}
function failureCell(t, nowMs) {
  if (t.lastFailureReason === null) return '<td class="failure"></td>';
  var when = ago(t.lastFailureAt, nowMs) + ' ago';
  return '<td class="failure"><span class="reason">' + esc(t.lastFailureReason) + '</span> <span class="since">' + when + '</span></td>';
}
function renderBody(snapshot, groupBy) {
  var nowMs = Date.parse(snapshot.generatedAt);
  var groups = new Map();
  snapshot.targets.forEach(function (t) {
    var name = groupBy ? (groupBy === 'module' ? t.module : t.labels[groupBy] || '(no ' + groupBy + ')') : t.group;
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name).push(t);
  });
  var s = snapshot.summary;
  var html = '<p class="summary"><span class="n up">' + s.up + ' up</span> <span class="n down">' + s.down + ' down</span> ' +
    '<span class="n pending">' + s.pending + ' pending</span>' + (s.unknown ? ' <span class="n unknown">' + s.unknown + ' not checked yet</span>' : '') +
    ' <span class="updated">updated <time>' + esc(snapshot.generatedAt.slice(11, 19)) + ' UTC</time></span></p>';
  Array.from(groups.keys()).sort().forEach(function (name) {
    var rows = groups.get(name);
    var down = rows.filter(function (t) { return t.state === 'down'; }).length;
    html += '<section><h2>' + esc(name) + ' <small>' + rows.length + (rows.length === 1 ? ' target' : ' targets') + (down ? ', ' + down + ' down' : '') + '</small></h2>' +
      '<div class="scroll"><table><thead><tr><th>status</th><th>target</th><th>latency</th><th>24 h</th><th>7 d</th><th>last failure</th><th>cert</th></tr></thead><tbody>';
    rows.forEach(function (t) {
      html += '<tr class="state-' + esc(t.state) + '" data-target="' + esc(t.target) + '">' + statusCell(t, nowMs) +
        '<td class="target">' + esc(t.target) + ' <span class="module">' + esc(t.module) + '</span></td>' +
        '<td class="num">' + latency(t.latencySeconds) + '</td>' +
        '<td class="num">' + percent(t.availability24h) + '</td>' +
        '<td class="num">' + percent(t.availability7d) + '</td>' +
        failureCell(t, nowMs) + certCell(t) + '</tr>';
    });
    html += '</tbody></table></div></section>';
  });
  if (snapshot.targets.length === 0) html += '<p>No targets.</p>';
  return html;
}
`;
