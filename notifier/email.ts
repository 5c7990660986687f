/** Sends the email over SMTP with nodemailer, the graph attached inline by content ID. */
import nodemailer from 'nodemailer';
import type { Png } from './chart-png.js';
import { CHART_CID, type EmailMessage } from './email-message.js';

export interface EmailOptions {
  /** host:port; port 465 speaks TLS from the start, others upgrade with STARTTLS. */
  smarthost: string;
  from: string;
  to: readonly string[];
  username?: string;
  password?: string;
  /** Refuse to send unless STARTTLS succeeds (port 465 is TLS anyway). */
  requireTLS: boolean;
  /** Bound of each SMTP stage (connect, greeting, each command). */
  timeoutMs: number;
}

function parseSmarthost(smarthost: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(smarthost);
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || port < 1 || port > 65535) throw new Error(`invalid SMTP smarthost ${JSON.stringify(smarthost)} (expected host:port)`);
  return { host: (match[1] ?? match[2])!, port };
}

export class EmailSender {
  private readonly transport;

  constructor(private readonly options: EmailOptions) {
    const { host, port } = parseSmarthost(options.smarthost);
    this.transport = nodemailer.createTransport({
      host,
      port,
      secure: port === 465,
      requireTLS: options.requireTLS && port !== 465,
      ignoreTLS: !options.requireTLS && port !== 465,
      ...(options.username === undefined ? {} : { auth: { user: options.username, pass: options.password ?? '' } }),
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
      logger: false,
    });
  }

  async send(message: EmailMessage, graph: Png | undefined): Promise<void> {
    await this.transport.sendMail({
      from: this.options.from,
      to: [...this.options.to],
      subject: message.subject,
      text: message.text,
      html: message.html,
      attachments: graph === undefined ? [] : [{ filename: 'graph.png', content: graph.data, contentType: 'image/png', cid: CHART_CID }],
    });
  }

  close(): void {
    this.transport.close();
  }
}
