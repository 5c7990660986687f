/** The `http:` section of a module (blackbox 0.23's HTTPProbe): type, defaults and strict reader. */
import {
  boolean,
  type ConfigNode,
  field,
  fields,
  fileContents,
  integer,
  list,
  oneOf,
  regexp,
  regexpList,
  string,
  stringMap,
} from '../../common/config-walk.js';
import type { GoRegExp } from '../../common/regex.js';
import { ProbeRequestError } from '../types.js';
import { ADDRESS_KEYS, addressDefaults, readAddress, readTLS, tlsDefaults, type AddressSelection, type TLSConfig } from '../net/config.js';

/** An inclusive range of accepted HTTP status codes; `200` is {min:200,max:200}, `2xx` is {min:200,max:299}. */
export interface StatusCodeRange {
  min: number;
  max: number;
}

export interface HeaderMatch {
  header: string;
  regexp: GoRegExp;
  allow_missing: boolean;
}

export interface BasicAuth {
  username: string;
  password?: string;
  password_file?: string;
}

export interface HTTPProbeConfig extends AddressSelection {
  /** Empty means 2xx, as in blackbox. */
  valid_status_codes: StatusCodeRange[];
  /** Empty means any; values like "HTTP/1.1", "HTTP/2.0". */
  valid_http_versions: string[];
  method: string;
  headers: Record<string, string>;
  body?: string;
  follow_redirects: boolean;
  fail_if_ssl: boolean;
  fail_if_not_ssl: boolean;
  fail_if_body_matches_regexp: GoRegExp[];
  fail_if_body_not_matches_regexp: GoRegExp[];
  fail_if_header_matches: HeaderMatch[];
  fail_if_header_not_matches: HeaderMatch[];
  tls_config: TLSConfig;
  basic_auth?: BasicAuth;
  bearer_token?: string;
  bearer_token_file?: string;
  proxy_url?: string;
  enable_http2: boolean;
  /** Bytes; 0 means the prober's default limit (never unlimited). */
  body_size_limit: number;
  /** Accepted Content-Encoding to decompress ("gzip", "br", "deflate", "identity" or ""). */
  compression: string;
  skip_resolve_phase_with_proxy: boolean;
}

const COMPRESSIONS = ['', 'gzip', 'br', 'deflate', 'identity'] as const;

export function defaultHTTP(): HTTPProbeConfig {
  return {
    ...addressDefaults(),
    valid_status_codes: [],
    valid_http_versions: [],
    method: 'GET',
    headers: {},
    follow_redirects: true,
    fail_if_ssl: false,
    fail_if_not_ssl: false,
    fail_if_body_matches_regexp: [],
    fail_if_body_not_matches_regexp: [],
    fail_if_header_matches: [],
    fail_if_header_not_matches: [],
    tls_config: tlsDefaults(),
    enable_http2: true,
    body_size_limit: 0,
    compression: '',
    skip_resolve_phase_with_proxy: false,
  };
}

const STATUS_CODE_HINT = 'a list of status codes or ranges';

function readStatusCode(node: ConfigNode): StatusCodeRange {
  const text = node.present && node.node !== undefined && 'value' in node.node ? String(node.node.value) : '';
  let range: StatusCodeRange | undefined;
  let match: RegExpExecArray | null;
  if (/^[1-5][0-9][0-9]$/.test(text)) range = { min: Number(text), max: Number(text) };
  else if ((match = /^([1-5])xx$/i.exec(text)) !== null) range = { min: Number(match[1]) * 100, max: Number(match[1]) * 100 + 99 };
  else if ((match = /^([1-5][0-9][0-9])-([1-5][0-9][0-9])$/.exec(text)) !== null && Number(match[1]) <= Number(match[2])) {
    range = { min: Number(match[1]), max: Number(match[2]) };
  }
  return range ?? node.fail(`expected a status code or range such as 200, 2xx or 200-399, got ${node.shown()}`);
}

function readHeaderMatches(node: ConfigNode): HeaderMatch[] {
  return list(node, 'a list of {header, regexp, allow_missing}').map((item) => {
    const found = fields(item, ['header', 'regexp', 'allow_missing']);
    const header = field(found, 'header', string) ?? '';
    if (header === '') item.fail('header must be set');
    const pattern = field(found, 'regexp', regexp) ?? item.fail('regexp must be set');
    return { header, regexp: pattern, allow_missing: field(found, 'allow_missing', boolean, false) };
  });
}

function readBasicAuth(node: ConfigNode): BasicAuth {
  const found = fields(node, ['username', 'password', 'password_file']);
  const auth: BasicAuth = { username: field(found, 'username', string, '') };
  const password = field(found, 'password', string);
  const file = field(found, 'password_file', fileContents);
  if (password !== undefined && file !== undefined) found.get('password')!.fail('password and password_file are mutually exclusive');
  if (password !== undefined) auth.password = password;
  if (file !== undefined) {
    auth.password = file.text.trim();
    auth.password_file = file.path;
  }
  return auth;
}

/** Bytes from an integer or a size such as `10MB`/`512KiB` (Go units: KB = 1024 bytes, as blackbox reads them). */
function readByteSize(node: ConfigNode): number {
  if (node.node !== undefined && 'value' in node.node && typeof node.node.value === 'number') return integer(node);
  const text = string(node);
  const match = /^([0-9]+)\s*(B|KB|KIB|MB|MIB|GB|GIB|TB|TIB)?$/i.exec(text);
  if (match === null) return node.fail(`expected a size in bytes such as 1048576 or 10MB, got ${node.shown()}`);
  const unit = (match[2] ?? 'B').toUpperCase().replace('I', '');
  const powers: Record<string, number> = { B: 0, KB: 1, MB: 2, GB: 3, TB: 4 };
  return Number(match[1]) * 1024 ** powers[unit]!;
}

function readProxyURL(node: ConfigNode): string {
  const text = string(node);
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  return url !== undefined && url.protocol === 'http:' ? text : node.fail(`expected an http:// proxy URL, got ${node.shown()}`);
}

const HTTP_KEYS = [
  ...ADDRESS_KEYS, 'valid_status_codes', 'valid_http_versions', 'method', 'headers', 'body', 'follow_redirects', 'no_follow_redirects',
  'fail_if_ssl', 'fail_if_not_ssl', 'fail_if_body_matches_regexp', 'fail_if_body_not_matches_regexp', 'fail_if_header_matches',
  'fail_if_header_not_matches', 'tls_config', 'basic_auth', 'bearer_token', 'bearer_token_file', 'proxy_url', 'enable_http2',
  'body_size_limit', 'compression', 'skip_resolve_phase_with_proxy',
];

export function readHTTP(node: ConfigNode): HTTPProbeConfig {
  const defaults = defaultHTTP();
  const found = fields(node, HTTP_KEYS);
  const config: HTTPProbeConfig = {
    ...readAddress(found),
    valid_status_codes: field(found, 'valid_status_codes', (n) => list(n, STATUS_CODE_HINT).map(readStatusCode), []),
    valid_http_versions: field(
      found,
      'valid_http_versions',
      (n) => list(n).map((item) => oneOf(item, ['HTTP/1.0', 'HTTP/1.1', 'HTTP/2', 'HTTP/2.0'], 'HTTP version')),
      [],
    ),
    method: field(found, 'method', (n) => {
      const method = string(n);
      return /^[A-Za-z]+$/.test(method) ? method.toUpperCase() : n.fail(`expected an HTTP method such as GET, got ${n.shown()}`);
    }, defaults.method),
    headers: field(found, 'headers', stringMap, {}),
    follow_redirects: field(found, 'follow_redirects', boolean, defaults.follow_redirects),
    fail_if_ssl: field(found, 'fail_if_ssl', boolean, false),
    fail_if_not_ssl: field(found, 'fail_if_not_ssl', boolean, false),
    fail_if_body_matches_regexp: field(found, 'fail_if_body_matches_regexp', regexpList, []),
    fail_if_body_not_matches_regexp: field(found, 'fail_if_body_not_matches_regexp', regexpList, []),
    fail_if_header_matches: field(found, 'fail_if_header_matches', readHeaderMatches, []),
    fail_if_header_not_matches: field(found, 'fail_if_header_not_matches', readHeaderMatches, []),
    tls_config: field(found, 'tls_config', readTLS, defaults.tls_config),
    enable_http2: field(found, 'enable_http2', boolean, defaults.enable_http2),
    body_size_limit: field(found, 'body_size_limit', readByteSize, 0),
    compression: field(found, 'compression', (n) => oneOf(n, COMPRESSIONS, 'compression'), ''),
    skip_resolve_phase_with_proxy: field(found, 'skip_resolve_phase_with_proxy', boolean, false),
  };
  const noFollow = field(found, 'no_follow_redirects', boolean);
  if (noFollow !== undefined) {
    if (found.has('follow_redirects')) found.get('no_follow_redirects')!.fail('no_follow_redirects and follow_redirects are mutually exclusive');
    config.follow_redirects = !noFollow;
  }
  const body = field(found, 'body', string);
  if (body !== undefined) config.body = body;
  const basicAuth = field(found, 'basic_auth', readBasicAuth);
  if (basicAuth !== undefined) config.basic_auth = basicAuth;
  const bearer = field(found, 'bearer_token', string);
  const bearerFile = field(found, 'bearer_token_file', fileContents);
  if (bearer !== undefined && bearerFile !== undefined) found.get('bearer_token')!.fail('bearer_token and bearer_token_file are mutually exclusive');
  if (basicAuth !== undefined && (bearer ?? bearerFile) !== undefined) found.get('basic_auth')!.fail('basic_auth and bearer_token are mutually exclusive');
  if (bearer !== undefined) config.bearer_token = bearer;
  if (bearerFile !== undefined) {
    config.bearer_token = bearerFile.text.trim();
    config.bearer_token_file = bearerFile.path;
  }
  const proxy = field(found, 'proxy_url', readProxyURL);
  if (proxy !== undefined) config.proxy_url = proxy;
  const acceptEncoding = Object.entries(config.headers).find(([name]) => name.toLowerCase() === 'accept-encoding')?.[1];
  if (config.compression !== '' && acceptEncoding !== undefined && !acceptEncoding.toLowerCase().includes(config.compression)) {
    found.get('compression')!.fail(`the Accept-Encoding header ${JSON.stringify(acceptEncoding)} does not accept ${config.compression}`);
  }
  return config;
}

/** The section with `hostname` as Host header and TLS server name (blackbox's `hostname` parameter). */
export function withHostname(config: HTTPProbeConfig, hostname: string): HTTPProbeConfig {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.headers)) {
    if (name.toLowerCase() === 'host' && value !== hostname) {
      throw new ProbeRequestError(`Host header defined both in module configuration (${value}) and with URL-parameter 'hostname' (${hostname})`);
    }
    if (name.toLowerCase() !== 'host') headers[name] = value;
  }
  headers.Host = hostname;
  return { ...config, headers, tls_config: { ...config.tls_config, server_name: config.tls_config.server_name ?? hostname } };
}
