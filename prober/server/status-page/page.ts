/**
 * The status page at `/`: rendered in full on the server (works without JS, with a meta refresh
 * inside <noscript>), then redrawn in place every few seconds by its browser module (client.ts),
 * which imports the same renderer.
 */
import { readFile } from 'node:fs/promises';
import { VERSION } from '../../../common/version.js';
import type { PageSnapshot } from './merge.js';
import { pageTitle, renderBody } from './render.js';
import { STATUS_PAGE_CSS } from './style.js';

const escapeAttribute = (value: string): string => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The browser modules the page loads, served under `status-page/`. */
export const BROWSER_MODULES = ['client.js', 'render.js'] as const;
export type BrowserModule = (typeof BROWSER_MODULES)[number];

const compiled = new Map<BrowserModule, Promise<string>>();

/**
 * A browser module's JavaScript: the file the build emitted next to this one, or, when running
 * from the TypeScript sources, that source compiled the way the build compiles it.
 */
export function browserModule(name: BrowserModule): Promise<string> {
  let text = compiled.get(name);
  if (text === undefined) {
    text = import.meta.url.endsWith('.ts') ? compileSource(name) : readFile(new URL(`./${name}`, import.meta.url), 'utf8');
    compiled.set(name, text);
  }
  return text;
}

async function compileSource(name: BrowserModule): Promise<string> {
  const { default: ts } = await import('typescript');
  const source = await readFile(new URL(`./${name.replace(/\.js$/, '.ts')}`, import.meta.url), 'utf8');
  return ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022 } }).outputText;
}

export interface StatusPageOptions {
  /** Label to group by instead of the group name (`?group_by=` on the page). */
  groupBy?: string;
  /** URL of the JSON API, relative to the page. */
  apiPath?: string;
}

export function renderStatusPage(snapshot: PageSnapshot, { groupBy, apiPath = 'api/v1/status' }: StatusPageOptions = {}): string {
  const heading = snapshot.location === null ? 'Platypus status' : `Platypus status: ${snapshot.location}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeAttribute(pageTitle(snapshot))}</title>
<noscript><meta http-equiv="refresh" content="${snapshot.refreshSeconds}"></noscript>
<style>${STATUS_PAGE_CSS}</style>
<script type="module" src="status-page/client.js"></script>
</head>
<body>
<header><h1>${escapeAttribute(heading)}</h1><a href="metrics">metrics</a><a href="${escapeAttribute(apiPath)}">json</a><span class="updated">platypus ${VERSION}</span></header>
<main data-api="${escapeAttribute(apiPath)}" data-refresh="${snapshot.refreshSeconds}"${groupBy === undefined ? '' : ` data-group-by="${escapeAttribute(groupBy)}"`}>
${renderBody(snapshot, groupBy)}
</main>
</body>
</html>
`;
}
