import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface SmtpSink {
  /** `host:port` for Alertmanager's `smtp_smarthost`. */
  smarthost: string;
  mails: ParsedMail[];
  /** Logins refused because of a wrong password (only when `password` is given). */
  refusedLogins: number;
}

export interface SmtpSinkOptions {
  host?: string;
  port?: number;
  /** Offer STARTTLS with this certificate (otherwise STARTTLS is turned off). */
  tls?: { key: string; cert: string };
  /** Accept only this password (any user); otherwise any or no login. */
  password?: string;
}

/** A local SMTP server that accepts any mail and keeps it parsed. */
export async function startSmtpSink(t: TestContext, options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const mails: ParsedMail[] = [];
  const sink = { mails, refusedLogins: 0 };
  const server = new SMTPServer({
    authOptional: options.password === undefined,
    ...(options.tls === undefined ? { disabledCommands: ['STARTTLS'] } : { key: options.tls.key, cert: options.tls.cert }),
    allowInsecureAuth: options.tls === undefined,
    onAuth: (auth, _session, callback) => {
      if (options.password !== undefined && auth.password !== options.password) {
        sink.refusedLogins += 1;
        return callback(new Error('Invalid username or password'));
      }
      callback(null, { user: auth.username ?? 'alertmanager' });
    },
    onData: (stream, _session, callback) => {
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
    logger: false,
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.server.address() as AddressInfo;
  return Object.assign(sink, { smarthost: `${host}:${port}` });
}
