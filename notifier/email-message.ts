/** A Description as an email: HTML with the graph inline by content ID, and a plain-text part. */
import { sections, whenText, type AlertLine, type Description, type Tone } from './describe.js';

export const CHART_CID = 'chart@platypus-notifier';

export interface EmailMessage {
  subject: string;
  html: string;
  text: string;
}

const LOOK: Record<Tone, { label: string; color: string; background: string }> = {
  critical: { label: 'CRITICAL', color: '#ffffff', background: '#cf222e' },
  warning: { label: 'WARNING', color: '#1f2328', background: '#f2cc60' },
  resolved: { label: 'RESOLVED', color: '#ffffff', background: '#1a7f37' },
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Subjects are one line: a label value with a newline must not start a new header. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

function textLine(line: AlertLine, nowMs: number, back: boolean): string {
  const head = [back ? `- back: ${line.name}` : `- ${line.name}`, line.scope, whenText(line, nowMs)].filter((part) => part !== undefined && part !== '').join(' ');
  const notes = [back ? undefined : line.detail, line.maintenance].filter((note) => note !== undefined);
  return [head, ...notes.map((note) => `  ${note}`)].join('\n');
}

function htmlRow(line: AlertLine, nowMs: number): string {
  const what = [`<strong>${escapeHtml(line.name)}</strong>`, line.scope === undefined ? '' : ` ${escapeHtml(line.scope)}`].join('');
  const detail = line.detail === undefined ? '' : `<br><span style="color:#57606a">${escapeHtml(line.detail)}</span>`;
  const maintenance = line.maintenance === undefined ? '' : `<br><em style="color:#57606a">${escapeHtml(line.maintenance)}</em>`;
  return `<tr style="border-top:1px solid #d0d7de"><td style="padding:6px">${what}${detail}${maintenance}</td><td style="padding:6px;white-space:nowrap">${escapeHtml(whenText(line, nowMs))}</td></tr>`;
}

export function emailMessage(description: Description, nowMs: number, hasGraph: boolean): EmailMessage {
  const look = LOOK[description.tone];
  const text = [
    `${look.label}: ${description.headline}`,
    '',
    ...(description.followUp === undefined ? [] : [description.followUp.summary, '']),
    ...sections(description).flatMap((section) => [`${section.title}:`, ...section.lines.map((line) => textLine(line, nowMs, section.back)), '']),
    ...(description.unlisted > 0 ? [`…and ${description.unlisted} more`, ''] : []),
    ...(description.graphMissing === undefined ? [] : [`No graph: ${description.graphMissing}`, '']),
    ...description.links.map((link) => `${link.label}: ${link.url}`),
  ].join('\n');

  const rows = (lines: AlertLine[]) => lines.map((line) => htmlRow(line, nowMs)).join('\n');
  const html = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeHtml(description.subject)}</title></head>
<body style="font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#1f2328;max-width:820px">
<div style="background:${look.background};color:${look.color};padding:10px 14px;border-radius:6px;font-size:17px"><strong>${look.label}</strong> ${escapeHtml(description.headline)}</div>
${description.followUp === undefined ? '' : `<p><em>${escapeHtml(description.followUp.summary)}</em></p>`}
${sections(description).map((section) => `<h3>${escapeHtml(section.title)}</h3>\n<table style="border-collapse:collapse;width:100%">\n${rows(section.lines)}\n</table>`).join('\n')}
${description.unlisted > 0 ? `<p>…and ${description.unlisted} more</p>` : ''}
${hasGraph ? `<p><img src="cid:${CHART_CID}" alt="Graph of ${escapeHtml(description.alertname)}" style="max-width:100%"></p>` : ''}
${description.graphMissing === undefined ? '' : `<p style="color:#57606a"><em>No graph: ${escapeHtml(description.graphMissing)}</em></p>`}
<p>${description.links.map((link) => `<a href="${escapeHtml(link.url)}">${link.label}</a>`).join(' · ')}</p>
</body></html>
`;
  return { subject: oneLine(description.subject), html, text };
}
