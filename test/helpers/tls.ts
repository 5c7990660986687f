/**
 * Certificates made at test time with the openssl command line (never a committed private key):
 * a CA, leaves it signs with exact validity dates (expired ones too), and self-signed certificates.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { requireBinary } from './process.js';

export interface Certificate {
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
}

export interface LeafOptions {
  commonName?: string;
  dnsNames?: string[];
  ips?: string[];
  notBefore?: Date;
  notAfter: Date;
}

export interface TestCA extends Certificate {
  /** A leaf signed by this CA, valid exactly from notBefore (default: a day ago) to notAfter. */
  issue(options: LeafOptions): Certificate;
}

let counter = 0;

function openssl(args: string[], cwd: string): void {
  requireBinary('openssl', 'openssl');
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function certificate(dir: string, name: string): Certificate {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8'), certPath, keyPath };
}

function subjectAltName(options: { dnsNames?: string[]; ips?: string[] }): string {
  return [...(options.dnsNames ?? ['localhost']).map((name) => `DNS:${name}`), ...(options.ips ?? ['127.0.0.1']).map((ip) => `IP:${ip}`)].join(',');
}

/** openssl ca's date format: YYYYMMDDHHMMSSZ. */
function caDate(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** A fresh directory removed when the test ends. */
export function tempDir(t: TestContext, prefix = 'platypus-tls-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function createTestCA(dir: string, commonName = 'Platypus Test CA'): TestCA {
  mkdirSync(join(dir, 'newcerts'), { recursive: true });
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = test_ca',
      '[test_ca]',
      `database = ${join(dir, 'index.txt')}`,
      `new_certs_dir = ${join(dir, 'newcerts')}`,
      `serial = ${join(dir, 'serial')}`,
      'default_md = sha256',
      'policy = policy_any',
      'unique_subject = no',
      '[policy_any]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  openssl(
    ['req', '-x509', '-new', ...EC_KEY, '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', `/CN=${commonName}`, '-days', '3650',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
  const ca = certificate(dir, 'ca');
  return {
    ...ca,
    issue(options) {
      const name = `leaf${++counter}`;
      const commonName = options.commonName ?? 'localhost';
      writeFileSync(join(dir, `${name}.ext`), `[leaf]\nbasicConstraints = CA:FALSE\nsubjectAltName = ${subjectAltName(options)}\n`);
      openssl(['req', '-new', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${commonName}`], dir);
      const notBefore = options.notBefore ?? new Date(Date.now() - 86_400_000);
      openssl(
        ['ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.crt', '-keyfile', 'ca.key', '-in', `${name}.csr`, '-out', `${name}.crt`, '-notext',
          '-startdate', caDate(notBefore), '-enddate', caDate(options.notAfter), '-extfile', `${name}.ext`, '-extensions', 'leaf'],
        dir,
      );
      return certificate(dir, name);
    },
  };
}

/** A self-signed certificate for `commonName` (SAN localhost and 127.0.0.1 unless given). */
export function selfSigned(dir: string, options: { commonName?: string; dnsNames?: string[]; ips?: string[]; days?: number } = {}): Certificate {
  const name = `self${++counter}`;
  openssl(
    ['req', '-x509', '-new', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-subj', `/CN=${options.commonName ?? 'localhost'}`,
      '-days', String(options.days ?? 365), '-addext', `subjectAltName=${subjectAltName(options)}`],
    dir,
  );
  return certificate(dir, name);
}
