/** The status page's stylesheet: a table on wide screens, one card per target on a phone. */
export const STATUS_PAGE_CSS = `
:root { color-scheme: light dark; --up: #1a7f37; --down: #cf222e; --pending: #9a6700; --slow: #bc4c00; --maintenance: #0969da; --unknown: #6e7781; --muted: #6e7781; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; padding: 0 12px 24px; max-width: 1280px; }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; }
h1 { font-size: 20px; margin: 12px 0 8px; }
h2 { font-size: 16px; margin: 20px 0 6px; }
h2 small, .module, .since, .updated { color: var(--muted); font-weight: normal; font-size: 12px; }
main.stale::before { content: "not updated: the prober does not answer"; display: block; color: var(--down); font-weight: 600; }
.banner { border-radius: 6px; padding: 10px 14px; color: #fff; font-size: 16px; background: var(--unknown); }
.banner.up { background: var(--up); } .banner.down { background: var(--down); } .banner.pending { background: var(--pending); }
.notice { margin: 6px 0 0; padding: 6px 10px; border-radius: 6px; border: 1px solid var(--pending); color: var(--pending); font-weight: 600; }
th.locations { width: 130px; } td.locations { white-space: normal; }
.loc { display: inline-block; border-radius: 3px; padding: 0 5px; margin: 1px 0; font-size: 12px; font-weight: 600; color: #fff; background: var(--unknown); }
.loc.up { background: var(--up); } .loc.down { background: var(--down); } .loc.pending { background: var(--pending); } .loc.slow { background: var(--slow); }
.summary .n { font-weight: 600; margin-right: 8px; }
.n.up { color: var(--up); } .n.down { color: var(--down); } .n.pending { color: var(--pending); } .n.maintenance { color: var(--maintenance); } .n.unknown { color: var(--unknown); }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th.status { width: 150px; } th.checks { width: 30%; } th.latency { width: 150px; } th.a24, th.a7 { width: 70px; } th.failure { width: 170px; } th.cert { width: 60px; }
td.failure { overflow: hidden; text-overflow: ellipsis; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid rgba(127, 127, 127, 0.25); white-space: nowrap; vertical-align: middle; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.target { white-space: normal; word-break: break-all; }
td.target .name { font-weight: 600; }
th.latency, th.a24, th.a7, td.num, td.latency { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; min-width: 64px; text-align: center; border-radius: 4px; color: #fff; font-weight: 600; padding: 0 6px; background: var(--unknown); }
tr.state-up .badge { background: var(--up); }
tr.state-down .badge { background: var(--down); }
tr.state-pending .badge { background: var(--pending); }
tr.state-maintenance .badge { background: var(--maintenance); }
tr.slow .badge { background: var(--slow); }
tr.state-maintenance td.status { white-space: normal; }
tr.state-down td { background: rgba(207, 34, 46, 0.10); }
tr.slow td.latency .num { color: var(--slow); font-weight: 600; }
tr.state-down .reason { color: var(--down); font-weight: 600; }
.bar { display: flex; gap: 1px; width: 100%; min-width: 110px; max-width: 300px; height: 22px; }
.bar .c { flex: 1 1 0; min-width: 2px; max-width: 6px; border-radius: 1px; background: var(--up); }
.bar .c.fail { background: var(--down); } .bar .c.slow { background: var(--slow); }
.spark { width: 80px; height: 22px; vertical-align: middle; margin-right: 6px; }
.spark path { fill: none; stroke: currentColor; stroke-width: 1.5; vector-effect: non-scaling-stroke; opacity: 0.7; }
.cert.warn { color: var(--pending); } .cert.bad { color: var(--down); font-weight: 600; }
[data-tip] { position: relative; cursor: help; outline: none; }
[data-tip]:hover::after, [data-tip]:focus::after {
  content: attr(data-tip); position: absolute; z-index: 2; bottom: calc(100% + 4px); left: 50%; transform: translateX(-50%);
  background: #24292f; color: #fff; font-size: 12px; font-weight: normal; padding: 3px 7px; border-radius: 4px; white-space: nowrap; pointer-events: none;
}
.bar .c:hover, .bar .c:focus { outline: 2px solid currentColor; }
@media (max-width: 640px) {
  thead { display: none; }
  table, tbody { display: block; }
  tr { display: grid; grid-template-columns: auto 1fr auto; grid-template-areas: "status status a24" "target target latency" "locations locations locations" "checks checks checks" "failure failure failure"; gap: 2px 8px; padding: 8px 0; border-bottom: 1px solid rgba(127, 127, 127, 0.25); }
  td { border: 0; padding: 0 4px; }
  td.status { grid-area: status; } td.target { grid-area: target; } td.checks { grid-area: checks; } td.latency { grid-area: latency; }
  td.locations { grid-area: locations; } td.a24 { grid-area: a24; } td.failure { grid-area: failure; } td.failure:empty { display: none; }
  td.a7, td.cert, .module { display: none; }
  .bar { max-width: none; } .spark { width: 56px; }
}
`;
