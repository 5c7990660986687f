import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

/** What Alertmanager posts to a Slack incoming webhook (the fields the templates fill). */
export interface SlackMessage {
  channel?: string;
  attachments: Array<{ title?: string; text?: string; color?: string; fallback?: string }>;
}

export interface SlackReceiver {
  /** Webhook URL to give Alertmanager as `api_url`. */
  url: string;
  messages: SlackMessage[];
}

/** A local stand-in for Slack's incoming webhook on `host`: records every message, answers `ok`. */
export async function startSlackReceiver(t: TestContext, host = '127.0.0.1'): Promise<SlackReceiver> {
  const messages: SlackMessage[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        messages.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as SlackMessage);
        response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      } catch {
        response.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload');
      }
    });
  });
  // Alertmanager keeps connections open longer than Node's 5 s default and would reuse closed ones.
  server.keepAliveTimeout = 10 * 60_000;
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  t.after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  const { port } = server.address() as AddressInfo;
  return { url: `http://${host}:${port}/services/T000/B000/XXXX`, messages };
}

/** The title and text of every attachment of a message, as one string. */
export function slackText(message: SlackMessage): string {
  return message.attachments.map((a) => `${a.title ?? ''}\n${a.text ?? ''}`).join('\n');
}
