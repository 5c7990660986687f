/**
 * The exporter-toolkit web config file (`--web.config.file`): TLS, response headers and basic
 * auth with bcrypt hashes. Strict: unknown keys, wrong types and unreadable files are errors
 * naming the file, line and key, raised at start.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { dirname } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, ConfigNode, entries, field, fields, fileContents, oneOf, string, stringMap, type ConfigFile } from './config-walk.js';

export const CLIENT_AUTH_TYPES = [
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
] as const;
export type ClientAuthType = (typeof CLIENT_AUTH_TYPES)[number];

const TLS_VERSIONS = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' } as const;
type TLSVersionName = keyof typeof TLS_VERSIONS;

export interface TLSServerConfig {
  cert: string;
  key: string;
  clientAuth: ClientAuthType;
  clientCA?: string;
  minVersion: (typeof TLS_VERSIONS)[TLSVersionName];
  maxVersion?: (typeof TLS_VERSIONS)[TLSVersionName];
}

export interface WebConfig {
  tls?: TLSServerConfig;
  headers: Record<string, string>;
  /** user → bcrypt hash; empty means no authentication. */
  basicAuthUsers: Map<string, string>;
}

const BCRYPT_HASH = /^(\$2[a-z]?\$)(\d\d)\$[./A-Za-z0-9]{53}$/;
const BCRYPT_VERSIONS = ['$2a$', '$2b$', '$2y$'];
const BCRYPT_MIN_COST = 4;
const BCRYPT_MAX_COST = 31;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;
/** Headers the server itself sets; a config may not override them (as exporter-toolkit refuses them). */
const RESERVED_HEADERS = ['authorization', 'content-type', 'content-length', 'content-encoding', 'www-authenticate', 'set-cookie', 'transfer-encoding'];

function readTLS(node: ConfigNode): TLSServerConfig {
  const found = fields(node, ['cert_file', 'key_file', 'client_auth_type', 'client_ca_file', 'min_version', 'max_version']);
  const certNode = found.get('cert_file');
  const keyNode = found.get('key_file');
  if (certNode === undefined || !certNode.present) node.fail('missing cert_file');
  if (keyNode === undefined || !keyNode.present) node.fail('missing key_file');
  const clientAuth = field(found, 'client_auth_type', (each) => oneOf(each, CLIENT_AUTH_TYPES, 'client_auth_type'), 'NoClientCert');
  const clientCA = field(found, 'client_ca_file', readClientCA);
  if (clientCA !== undefined && clientAuth === 'NoClientCert') {
    found.get('client_ca_file')!.fail('client CA configured without a client_auth_type that asks for a certificate');
  }
  if (clientCA === undefined && (clientAuth === 'RequireAndVerifyClientCert' || clientAuth === 'VerifyClientCertIfGiven')) {
    found.get('client_auth_type')!.fail(`${clientAuth} needs client_ca_file`);
  }
  const version = (each: ConfigNode) => TLS_VERSIONS[oneOf(each, Object.keys(TLS_VERSIONS) as TLSVersionName[], 'TLS version')];
  const minVersion = field(found, 'min_version', version, 'TLSv1.2');
  const maxVersion = field(found, 'max_version', version);
  if (maxVersion !== undefined && maxVersion < minVersion) found.get('max_version')!.fail('max_version is below min_version');
  const cert = fileContents(certNode);
  const key = fileContents(keyNode);
  const certificate = parseCertificate(certNode, cert);
  const privateKey = parsePrivateKey(keyNode, key);
  if (!certificate.checkPrivateKey(privateKey)) keyNode.fail(`the key in ${JSON.stringify(key.path)} does not match the certificate in ${JSON.stringify(cert.path)}`);
  return { cert: cert.text, key: key.text, clientAuth, clientCA, minVersion, maxVersion };
}

function parseCertificate(node: ConfigNode, { path, text }: { path: string; text: string }): X509Certificate {
  try {
    return new X509Certificate(text);
  } catch {
    return node.fail(`${JSON.stringify(path)} holds no valid PEM certificate`);
  }
}

function parsePrivateKey(node: ConfigNode, { path, text }: { path: string; text: string }): KeyObject {
  try {
    return createPrivateKey(text);
  } catch {
    return node.fail(`${JSON.stringify(path)} holds no valid unencrypted PEM private key`);
  }
}

/** A CA bundle: every certificate in it must parse, and it must hold one at least. */
function readClientCA(node: ConfigNode): string {
  const file = fileContents(node);
  const blocks = file.text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) node.fail(`${JSON.stringify(file.path)} holds no valid PEM certificate`);
  for (const block of blocks) parseCertificate(node, { path: file.path, text: block });
  return file.text;
}

function readHeaders(node: ConfigNode): Record<string, string> {
  const found = fields(node, ['headers']);
  const headersNode = found.get('headers');
  if (headersNode === undefined) return {};
  for (const [name, value] of entries(headersNode)) {
    if (RESERVED_HEADERS.includes(name.toLowerCase())) value.fail(`header ${JSON.stringify(name)} cannot be set here`);
    checkHeader(name, string(value), value);
  }
  return stringMap(headersNode);
}

/** What Node would refuse when sending the header, refused at start instead of on every request. */
function checkHeader(name: string, text: string, node: ConfigNode): void {
  try {
    validateHeaderName(name);
  } catch {
    node.fail(`header name ${JSON.stringify(name)} is not a valid HTTP token`);
  }
  if (/[\r\n]/.test(text)) node.fail('header value contains a line break (CR or LF)');
  try {
    validateHeaderValue(name, text);
  } catch {
    node.fail('header value contains a character HTTP does not allow');
  }
}

function readUsers(node: ConfigNode): Map<string, string> {
  const users = new Map<string, string>();
  for (const [user, hashNode] of entries(node)) {
    const hash = string(hashNode);
    const parts = BCRYPT_HASH.exec(hash);
    if (parts === null) return hashNode.fail('expected a bcrypt hash ($2y$…)');
    const [, version, cost] = parts as unknown as [string, string, string];
    if (!BCRYPT_VERSIONS.includes(version)) hashNode.fail(`unsupported bcrypt version ${JSON.stringify(version)} (expected one of: ${BCRYPT_VERSIONS.join(', ')})`);
    if (Number(cost) < BCRYPT_MIN_COST || Number(cost) > BCRYPT_MAX_COST) hashNode.fail(`bcrypt cost ${Number(cost)} is outside ${BCRYPT_MIN_COST}–${BCRYPT_MAX_COST}`);
    users.set(user, hash);
  }
  return users;
}

/** Parses a web config; `source` names the file in errors, `baseDir` resolves relative `*_file` paths. */
export function parseWebConfig(text: string, source: string, baseDir: string): WebConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true });
  const firstError = document.errors[0];
  if (firstError !== undefined) {
    const line = firstError.linePos?.[0].line;
    throw new ConfigError(source, line, '', firstError.message.split('\n')[0]!);
  }
  const file: ConfigFile = { source, lineCounter, baseDir };
  const root = new ConfigNode(file, document.contents ?? undefined, '');
  const found = fields(root, ['tls_server_config', 'http_server_config', 'basic_auth_users']);
  return {
    tls: field(found, 'tls_server_config', readTLS),
    headers: field(found, 'http_server_config', readHeaders, {}),
    basicAuthUsers: field(found, 'basic_auth_users', readUsers, new Map<string, string>()),
  };
}

/** Reads and checks the file; every problem is a ConfigError naming it. */
export function loadWebConfig(path: string): WebConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, undefined, '', `cannot read web config: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseWebConfig(text, path, dirname(path));
}
