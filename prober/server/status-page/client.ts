/**
 * The status page's browser module: redraws <main> in place from the JSON API every few seconds,
 * with the same renderer the server used for the first paint.
 */
import type { StatusSnapshot } from '../../scheduler/snapshot.js';
import { pageTitle, renderBody } from './render.js';

// The few DOM members used here, declared locally so the server's compilation stays without DOM types.
interface PageMain {
  dataset: { api?: string; refresh?: string; groupBy?: string };
  innerHTML: string;
  classList: { add(name: string): void; remove(name: string): void };
}
declare const document: { hidden: boolean; title: string; querySelector(selector: 'main'): PageMain | null };

const main = document.querySelector('main');
if (main !== null) {
  const page = main;
  const groupBy = page.dataset.groupBy || undefined;
  let period = Number(page.dataset.refresh) * 1000;
  const refresh = async (): Promise<void> => {
    // A hidden tab asks again later instead of downloading every target's status.
    if (!document.hidden) {
      try {
        const response = await fetch(page.dataset.api ?? 'api/v1/targets', { headers: { accept: 'application/json' } });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const snapshot = (await response.json()) as StatusSnapshot;
        page.innerHTML = renderBody(snapshot, groupBy);
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
