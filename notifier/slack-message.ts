/** A Description as a Slack message: a coloured attachment in mrkdwn, with the fallback naming the alerts. */
import { sections, whenText, type AlertLine, type Description, type Tone } from './describe.js';

export interface SlackMessage {
  /** Top-level text: notifications and phones show it. */
  text: string;
  attachments: Array<{ color: string; fallback: string; title: string; text: string; mrkdwn_in: Array<'text'> }>;
}

const LOOK: Record<Tone, { emoji: string; color: string }> = {
  critical: { emoji: ':rotating_light:', color: '#cf222e' },
  warning: { emoji: ':warning:', color: '#d4a72c' },
  resolved: { emoji: ':white_check_mark:', color: '#1a7f37' },
};

/** Slack's three control characters; everything else in a label value is shown as written. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function slackLine(line: AlertLine, nowMs: number, back: boolean): string {
  const head = [`${back ? 'back: ' : ''}*${escapeMrkdwn(line.name)}*`, line.scope, whenText(line, nowMs)].filter((part) => part !== undefined && part !== '').join(' ');
  const notes = [back ? undefined : line.detail, line.maintenance === undefined ? undefined : `_${line.maintenance}_`].filter((note) => note !== undefined);
  return [`• ${head}`, ...notes.map((note) => `    ${escapeMrkdwn(note)}`)].join('\n');
}

export function slackMessage(description: Description, nowMs: number): SlackMessage {
  const look = LOOK[description.tone];
  const followUp = description.followUp;
  const lines = [
    ...(followUp === undefined ? [] : [`_${escapeMrkdwn(followUp.summary)}_`]),
    ...sections(description).flatMap((section) => [
      ...(followUp === undefined ? [] : [`*${section.title}*`]),
      ...section.lines.map((line) => slackLine(line, nowMs, section.back)),
    ]),
  ];
  if (description.unlisted > 0) lines.push(`…and ${description.unlisted} more`);
  if (description.graphMissing !== undefined) lines.push(`_No graph: ${escapeMrkdwn(description.graphMissing)}_`);
  if (description.links.length > 0) lines.push(description.links.map((link) => `<${escapeMrkdwn(link.url).replace(/\|/g, '%7C')}|${link.label}>`).join(' · '));
  return {
    text: `${look.emoji} ${escapeMrkdwn(description.fallback)}`,
    attachments: [
      {
        color: look.color,
        fallback: description.fallback,
        title: `${look.emoji} ${description.headline}`,
        text: lines.join('\n'),
        mrkdwn_in: ['text'],
      },
    ],
  };
}
