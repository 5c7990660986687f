/**
 * The status page at `/`: rendered in full on the server (works without JS, with a meta refresh
 * inside <noscript>), then redrawn in place every few seconds from /api/v1/targets.
 */
import { VERSION } from '../../../common/version.js';
import type { StatusSnapshot } from '../../scheduler/snapshot.js';
import { RENDER_SOURCE } from './render-source.js';
import { STATUS_PAGE_CSS } from './style.js';

// The renderer is browser JavaScript shipped as text; the server runs the very same text.
const renderBody = new Function('snapshot', 'groupBy', `${RENDER_SOURCE}\nreturn renderBody(snapshot, groupBy);`) as (
  snapshot: StatusSnapshot,
  groupBy: string | undefined,
) => string;

const CLIENT_SCRIPT = `${RENDER_SOURCE}
(function () {
  var main = document.querySelector('main');
  var groupBy = main.dataset.groupBy || undefined;
  var period = Number(main.dataset.refresh) * 1000;
  function refresh() {
    // A hidden tab asks again later instead of downloading every target's status.
    if (document.hidden) { setTimeout(refresh, period); return; }
    fetch(main.dataset.api, { headers: { accept: 'application/json' } })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(function (snapshot) {
        main.innerHTML = renderBody(snapshot, groupBy);
        main.classList.remove('stale');
        period = snapshot.refreshSeconds * 1000;
      })
      .catch(function () { main.classList.add('stale'); })
      .then(function () { setTimeout(refresh, period); });
  }
  setTimeout(refresh, period);
})();
`;

const escapeAttribute = (value: string): string => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export interface StatusPageOptions {
  /** Label to group by instead of the group name (`?group_by=` on the page). */
  groupBy?: string;
  /** URL of the JSON API, relative to the page. */
  apiPath?: string;
}

export function renderStatusPage(snapshot: StatusSnapshot, { groupBy, apiPath = 'api/v1/targets' }: StatusPageOptions = {}): string {
  const title = snapshot.location === null ? 'Platypus status' : `Platypus status: ${snapshot.location}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeAttribute(title)}</title>
<noscript><meta http-equiv="refresh" content="${snapshot.refreshSeconds}"></noscript>
<style>${STATUS_PAGE_CSS}</style>
</head>
<body>
<header><h1>${escapeAttribute(title)}</h1><a href="metrics">metrics</a><a href="${escapeAttribute(apiPath)}">json</a><span class="updated">platypus ${VERSION}</span></header>
<main data-api="${escapeAttribute(apiPath)}" data-refresh="${snapshot.refreshSeconds}"${groupBy === undefined ? '' : ` data-group-by="${escapeAttribute(groupBy)}"`}>
${renderBody(snapshot, groupBy)}
</main>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
