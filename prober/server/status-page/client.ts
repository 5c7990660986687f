/**
 * The status page's browser module: redraws <main> in place from the JSON API every few seconds,
 * with the same renderer the server used for the first paint. A hover text being read is not
 * redrawn away: while one shows on hover the redraw waits, and one shown by a tap (focus) is
 * focused again after the redraw.
 */
import type { PageSnapshot } from './merge.js';
import { pageTitle, renderBody } from './render.js';

// The few DOM members used here, declared locally so the server's compilation stays without DOM types.
interface PageElement {
  dataset: { api?: string; refresh?: string; groupBy?: string; tip?: string; target?: string };
  innerHTML: string;
  classList: { add(name: string): void; remove(name: string): void };
  closest(selector: string): PageElement | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  focus(): void;
}
declare const document: { hidden: boolean; title: string; activeElement: PageElement | null; querySelector(selector: string): PageElement | null };

/** The row and text of the hover text a tap opened, if any. */
function focusedTip(): { target: string; tip: string } | undefined {
  const active = document.activeElement;
  const tip = active?.dataset.tip;
  const target = active?.closest('tr')?.dataset.target;
  return tip === undefined || target === undefined ? undefined : { target, tip };
}

function refocus(page: PageElement, focused: { target: string; tip: string }): void {
  const rows = page.querySelectorAll('tr[data-target]');
  for (let i = 0; i < rows.length; i++) {
    if (rows[i]!.dataset.target !== focused.target) continue;
    const tips = rows[i]!.querySelectorAll('[data-tip]');
    for (let j = 0; j < tips.length; j++) if (tips[j]!.dataset.tip === focused.tip) tips[j]!.focus();
  }
}

const main = document.querySelector('main');
if (main !== null) {
  const page = main;
  const groupBy = page.dataset.groupBy || undefined;
  let period = Number(page.dataset.refresh) * 1000;
  const refresh = async (): Promise<void> => {
    // A hidden tab asks again later instead of downloading every target's status.
    if (!document.hidden && page.querySelector('[data-tip]:hover') === null) {
      try {
        const response = await fetch(page.dataset.api ?? 'api/v1/status', { headers: { accept: 'application/json' } });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const snapshot = (await response.json()) as PageSnapshot;
        const focused = focusedTip();
        page.innerHTML = renderBody(snapshot, groupBy);
        if (focused !== undefined) refocus(page, focused);
        document.title = pageTitle(snapshot);
        page.classList.remove('stale');
        period = snapshot.refreshSeconds * 1000;
      } catch {
        page.classList.add('stale');
      }
    }
    setTimeout(() => void refresh(), period);
  };
  setTimeout(() => void refresh(), period);
}
