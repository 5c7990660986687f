/** The status page's stylesheet: readable on a phone (narrow screens drop the minor columns). */
export const STATUS_PAGE_CSS = `
:root { color-scheme: light dark; --up: #1a7f37; --down: #cf222e; --pending: #bf8700; --unknown: #6e7781; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; padding: 0 12px 24px; }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; }
h1 { font-size: 20px; margin: 12px 0 4px; }
h2 { font-size: 16px; margin: 20px 0 6px; }
h2 small, .module, .since, .updated { color: #6e7781; font-weight: normal; font-size: 12px; }
.summary .n { font-weight: 600; margin-right: 8px; }
.n.up { color: var(--up); } .n.down { color: var(--down); } .n.pending { color: var(--pending); } .n.unknown { color: var(--unknown); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid rgba(127, 127, 127, 0.25); white-space: nowrap; }
td.target { white-space: normal; word-break: break-all; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; min-width: 64px; text-align: center; border-radius: 4px; color: #fff; font-weight: 600; padding: 0 6px; background: var(--unknown); }
tr.state-up .badge { background: var(--up); }
tr.state-down .badge { background: var(--down); }
tr.state-pending .badge { background: var(--pending); }
tr.state-down td { background: rgba(207, 34, 46, 0.12); }
tr.state-down .reason { color: var(--down); font-weight: 600; }
.cert.warn { color: var(--pending); } .cert.bad { color: var(--down); font-weight: 600; }
@media (max-width: 640px) {
  th:nth-child(5), td:nth-child(5), th:nth-child(7), td:nth-child(7), .module { display: none; }
  th, td { padding: 4px; }
}
`;
