/**
 * A `--web.config.file` with TLS (a self-signed certificate made now) and one basic-auth user
 * (bcrypt hash), plus an HTTPS client that trusts only that certificate. Shared by the exporter's
 * and the prober's CLI tests.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { Agent, request } from 'undici';
import { selfSigned, tempDir, type Certificate } from './tls.js';

export interface HttpsAnswer {
  status: number;
  /** The WWW-Authenticate header, if any. */
  challenge: string | string[] | undefined;
  body: string;
}

export interface TlsBasicAuthWebConfig {
  /** The web config file to pass as --web.config.file. */
  path: string;
  certificate: Certificate;
  username: string;
  password: string;
  /** GET over HTTPS trusting only `certificate`; `credentials` ("user:password") sent as basic auth. */
  get(url: string, credentials?: string): Promise<HttpsAnswer>;
}

/** Writes the web config in a temporary directory; the directory and the client go when the test ends. */
export function tlsBasicAuthWebConfig(t: TestContext, { username = 'prometheus', password = 'scrape-me' } = {}): TlsBasicAuthWebConfig {
  const dir = tempDir(t, 'platypus-webcfg-');
  const certificate = selfSigned(dir);
  const path = join(dir, 'web.yml');
  writeFileSync(
    path,
    `tls_server_config:\n  cert_file: ${certificate.certPath}\n  key_file: ${certificate.keyPath}\nbasic_auth_users:\n  ${username}: ${bcrypt.hashSync(password, 4)}\n`,
  );
  const dispatcher = new Agent({ connect: { ca: certificate.cert } });
  t.after(() => dispatcher.close());
  const get = async (url: string, credentials?: string): Promise<HttpsAnswer> => {
    const headers = credentials === undefined ? {} : { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
    const response = await request(url, { dispatcher, headers });
    return { status: response.statusCode, challenge: response.headers['www-authenticate'], body: await response.body.text() };
  };
  return { path, certificate, username, password, get };
}

export interface Handshake {
  /** The certificate chain verified against the given CA. */
  authorized: boolean;
  protocol: string | null;
  /** SHA-256 fingerprint of the certificate the server presented. */
  fingerprint256: string;
}

/** A bare TLS handshake with 127.0.0.1:`port` (SNI localhost), trusting only `ca`; no HTTP is sent. */
export function tlsHandshake(port: number, ca: string): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca }, () => {
      const handshake = { authorized: socket.authorized, protocol: socket.getProtocol(), fingerprint256: socket.getPeerCertificate().fingerprint256 };
      socket.destroy();
      resolve(handshake);
    });
    socket.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
  });
}

/** The SHA-256 fingerprint of a PEM certificate, in the form TLSSocket reports it. */
export function fingerprint256(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}
