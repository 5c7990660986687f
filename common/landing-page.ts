/** The small HTML page at `/`, as node_exporter and blackbox_exporter show one: name, version, links. */
import type { FastifyInstance } from 'fastify';

export interface LandingPageOptions {
  name: string;
  description: string;
  version: string;
  links: ReadonlyArray<{ href: string; text: string }>;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function landingPageHtml({ name, description, version, links }: LandingPageOptions): string {
  const items = links.map(({ href, text }) => `<li><a href="${escapeHtml(href)}">${escapeHtml(text)}</a></li>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(name)}</title>
<style>body{font-family:sans-serif;margin:2em;max-width:50em}h1{font-size:1.5em}footer{color:#666;font-size:.9em}</style></head>
<body>
<h1>${escapeHtml(name)}</h1>
<p>${escapeHtml(description)}</p>
<ul>
${items}
</ul>
<footer>version ${escapeHtml(version)}</footer>
</body>
</html>
`;
}

export function registerLandingPage(app: FastifyInstance, options: LandingPageOptions): void {
  const html = landingPageHtml(options);
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
}
