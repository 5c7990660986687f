/**
 * The `modules:` section of blackbox.yml: one Module per name, with blackbox 0.23's defaults
 * applied, cross-field checks done and regexes compiled, so probers never re-validate.
 */
import type {
  AddressSelection,
  BasicAuth,
  DNSProbeConfig,
  DNSRRValidator,
  GRPCProbeConfig,
  HeaderMatch,
  HTTPProbeConfig,
  ICMPProbeConfig,
  IPProtocol,
  Module,
  QueryResponseStep,
  StatusCodeRange,
  TCPProbeConfig,
  TLSConfig,
  TLSVersion,
} from '../module.js';
import { PROBER_NAMES } from '../types.js';
import {
  boolean,
  ConfigNode,
  durationSeconds,
  entries,
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
} from './walk.js';

const IP_PROTOCOLS: readonly IPProtocol[] = ['ip4', 'ip6'];
const TLS_VERSIONS: readonly TLSVersion[] = ['TLS10', 'TLS11', 'TLS12', 'TLS13'];
const COMPRESSIONS = ['', 'gzip', 'br', 'deflate', 'identity'] as const;
export const DNS_QUERY_TYPES = [
  'A', 'AAAA', 'AFSDB', 'ANY', 'APL', 'AXFR', 'CAA', 'CDNSKEY', 'CDS', 'CERT', 'CNAME', 'DNAME', 'DHCID', 'DLV', 'DNSKEY', 'DS',
  'HINFO', 'HIP', 'IXFR', 'KEY', 'KX', 'LOC', 'MX', 'NAPTR', 'NS', 'NSEC', 'NSEC3', 'NSEC3PARAM', 'NULL', 'OPT', 'PTR', 'RP',
  'RRSIG', 'SIG', 'SOA', 'SPF', 'SRV', 'SSHFP', 'TA', 'TKEY', 'TLSA', 'TSIG', 'TXT', 'URI',
] as const;
export const DNS_QUERY_CLASSES = ['IN', 'CS', 'CH', 'HS', 'NONE', 'ANY'] as const;
export const DNS_RCODES = [
  'NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE',
] as const;

/** Address defaults shared by every prober: ip6 preferred, fallback on. */
function addressDefaults(): AddressSelection {
  return { preferred_ip_protocol: 'ip6', ip_protocol_fallback: true };
}

function tlsDefaults(): TLSConfig {
  return { insecure_skip_verify: false };
}

function rrValidatorDefaults(): DNSRRValidator {
  return { fail_if_matches_regexp: [], fail_if_all_match_regexp: [], fail_if_not_matches_regexp: [], fail_if_none_matches_regexp: [] };
}

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

export function defaultTCP(): TCPProbeConfig {
  return { ...addressDefaults(), query_response: [], tls: false, tls_config: tlsDefaults() };
}

export function defaultICMP(): ICMPProbeConfig {
  return { ...addressDefaults(), payload_size: 0, dont_fragment: false, ttl: 64 };
}

export function defaultDNS(): DNSProbeConfig {
  return {
    ...addressDefaults(),
    transport_protocol: 'udp',
    dns_over_tls: false,
    tls_config: tlsDefaults(),
    query_name: '',
    query_type: 'ANY',
    query_class: 'IN',
    recursion_desired: true,
    valid_rcodes: ['NOERROR'],
    validate_answer_rrs: rrValidatorDefaults(),
    validate_authority_rrs: rrValidatorDefaults(),
    validate_additional_rrs: rrValidatorDefaults(),
  };
}

export function defaultGRPC(): GRPCProbeConfig {
  return { ...addressDefaults(), service: '', tls: false, tls_config: tlsDefaults() };
}

/** A module of `prober` with every default, as blackbox fills one in. */
export function defaultModule(prober: Module['prober'], timeout = 0): Module {
  return { prober, timeout, http: defaultHTTP(), tcp: defaultTCP(), icmp: defaultICMP(), dns: defaultDNS(), grpc: defaultGRPC() };
}

const ADDRESS_KEYS = ['preferred_ip_protocol', 'ip_protocol_fallback'] as const;

function readAddress(found: Map<string, ConfigNode>, defaults: AddressSelection): AddressSelection {
  const selection: AddressSelection = {
    preferred_ip_protocol: field(found, 'preferred_ip_protocol', (n) => oneOf(n, IP_PROTOCOLS, 'IP protocol'), defaults.preferred_ip_protocol),
    ip_protocol_fallback: field(found, 'ip_protocol_fallback', boolean, defaults.ip_protocol_fallback),
  };
  const source = field(found, 'source_ip_address', string);
  if (source !== undefined) selection.source_ip_address = source;
  return selection;
}

function readTLS(node: ConfigNode): TLSConfig {
  const found = fields(node, ['ca', 'cert', 'key', 'ca_file', 'cert_file', 'key_file', 'server_name', 'insecure_skip_verify', 'min_version', 'max_version']);
  const config: TLSConfig = { insecure_skip_verify: field(found, 'insecure_skip_verify', boolean, false) };
  for (const name of ['ca', 'cert', 'key'] as const) {
    const inline = field(found, name, string);
    const file = field(found, `${name}_file`, fileContents);
    if (inline !== undefined && file !== undefined) found.get(name)!.fail(`${name} and ${name}_file are mutually exclusive`);
    if (inline !== undefined) config[name] = inline;
    if (file !== undefined) {
      config[name] = file.text;
      config[`${name}_file`] = file.path;
    }
  }
  if ((config.cert === undefined) !== (config.key === undefined)) node.fail('cert and key must be set together (client certificate)');
  const serverName = field(found, 'server_name', string);
  if (serverName !== undefined) config.server_name = serverName;
  const min = field(found, 'min_version', (n) => oneOf(n, TLS_VERSIONS, 'TLS version'));
  if (min !== undefined) config.min_version = min;
  const max = field(found, 'max_version', (n) => oneOf(n, TLS_VERSIONS, 'TLS version'));
  if (max !== undefined) config.max_version = max;
  return config;
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

const HTTP_KEYS = [
  ...ADDRESS_KEYS, 'valid_status_codes', 'valid_http_versions', 'method', 'headers', 'body', 'follow_redirects', 'no_follow_redirects',
  'fail_if_ssl', 'fail_if_not_ssl', 'fail_if_body_matches_regexp', 'fail_if_body_not_matches_regexp', 'fail_if_header_matches',
  'fail_if_header_not_matches', 'tls_config', 'basic_auth', 'bearer_token', 'bearer_token_file', 'proxy_url', 'enable_http2',
  'body_size_limit', 'compression', 'skip_resolve_phase_with_proxy',
];

function readHTTP(node: ConfigNode): HTTPProbeConfig {
  const defaults = defaultHTTP();
  const found = fields(node, HTTP_KEYS);
  const config: HTTPProbeConfig = {
    ...readAddress(found, defaults),
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
  const proxy = field(found, 'proxy_url', (n) => {
    const text = string(n);
    let url: URL | undefined;
    try {
      url = new URL(text);
    } catch {
      url = undefined;
    }
    return url !== undefined && url.protocol === 'http:' ? text : n.fail(`expected an http:// proxy URL, got ${n.shown()}`);
  });
  if (proxy !== undefined) config.proxy_url = proxy;
  const acceptEncoding = Object.entries(config.headers).find(([name]) => name.toLowerCase() === 'accept-encoding')?.[1];
  if (config.compression !== '' && acceptEncoding !== undefined && !acceptEncoding.toLowerCase().includes(config.compression)) {
    found.get('compression')!.fail(`the Accept-Encoding header ${JSON.stringify(acceptEncoding)} does not accept ${config.compression}`);
  }
  return config;
}

function readQueryResponse(node: ConfigNode): QueryResponseStep[] {
  return list(node, 'a list of {expect, send, starttls}').map((item) => {
    const found = fields(item, ['expect', 'send', 'starttls']);
    const step: QueryResponseStep = { starttls: field(found, 'starttls', boolean, false) };
    const expect = field(found, 'expect', regexp);
    if (expect !== undefined) step.expect = expect;
    const send = field(found, 'send', string);
    if (send !== undefined) step.send = send;
    return step;
  });
}

function readTCP(node: ConfigNode): TCPProbeConfig {
  const defaults = defaultTCP();
  const found = fields(node, [...ADDRESS_KEYS, 'source_ip_address', 'query_response', 'tls', 'tls_config']);
  return {
    ...readAddress(found, defaults),
    query_response: field(found, 'query_response', readQueryResponse, []),
    tls: field(found, 'tls', boolean, false),
    tls_config: field(found, 'tls_config', readTLS, defaults.tls_config),
  };
}

function readICMP(node: ConfigNode): ICMPProbeConfig {
  const defaults = defaultICMP();
  const found = fields(node, [...ADDRESS_KEYS, 'source_ip_address', 'payload_size', 'dont_fragment', 'ttl']);
  return {
    ...readAddress(found, defaults),
    payload_size: field(found, 'payload_size', (n) => integer(n, 0, 65_000), 0),
    dont_fragment: field(found, 'dont_fragment', boolean, false),
    ttl: field(found, 'ttl', (n) => integer(n, 1, 255), defaults.ttl),
  };
}

function readRRValidator(node: ConfigNode): DNSRRValidator {
  const found = fields(node, ['fail_if_matches_regexp', 'fail_if_all_match_regexp', 'fail_if_not_matches_regexp', 'fail_if_none_matches_regexp']);
  return {
    fail_if_matches_regexp: field(found, 'fail_if_matches_regexp', regexpList, []),
    fail_if_all_match_regexp: field(found, 'fail_if_all_match_regexp', regexpList, []),
    fail_if_not_matches_regexp: field(found, 'fail_if_not_matches_regexp', regexpList, []),
    fail_if_none_matches_regexp: field(found, 'fail_if_none_matches_regexp', regexpList, []),
  };
}

function readDNS(node: ConfigNode): DNSProbeConfig {
  const defaults = defaultDNS();
  const found = fields(node, [
    ...ADDRESS_KEYS, 'source_ip_address', 'transport_protocol', 'dns_over_tls', 'tls_config', 'query_name', 'query_type', 'query_class',
    'recursion_desired', 'valid_rcodes', 'validate_answer_rrs', 'validate_authority_rrs', 'validate_additional_rrs',
  ]);
  const queryName = field(found, 'query_name', string, '');
  if (queryName === '') (found.get('query_name') ?? node).fail('query_name must be set for a DNS module');
  const upper = (values: readonly string[], what: string) => (n: ConfigNode) => {
    const text = string(n).toUpperCase();
    return values.includes(text) ? text : n.fail(`unknown ${what} ${n.shown()} (expected one of: ${values.join(', ')})`);
  };
  return {
    ...readAddress(found, defaults),
    transport_protocol: field(found, 'transport_protocol', (n) => oneOf(n, ['udp', 'tcp'] as const, 'transport protocol'), 'udp'),
    dns_over_tls: field(found, 'dns_over_tls', boolean, false),
    tls_config: field(found, 'tls_config', readTLS, defaults.tls_config),
    query_name: queryName,
    query_type: field(found, 'query_type', upper(DNS_QUERY_TYPES, 'query type'), defaults.query_type),
    query_class: field(found, 'query_class', upper(DNS_QUERY_CLASSES, 'query class'), defaults.query_class),
    recursion_desired: field(found, 'recursion_desired', boolean, true),
    valid_rcodes: field(found, 'valid_rcodes', (n) => list(n, 'a list of rcodes').map(upper(DNS_RCODES, 'rcode')), defaults.valid_rcodes),
    validate_answer_rrs: field(found, 'validate_answer_rrs', readRRValidator, defaults.validate_answer_rrs),
    validate_authority_rrs: field(found, 'validate_authority_rrs', readRRValidator, defaults.validate_authority_rrs),
    validate_additional_rrs: field(found, 'validate_additional_rrs', readRRValidator, defaults.validate_additional_rrs),
  };
}

function readGRPC(node: ConfigNode): GRPCProbeConfig {
  const defaults = defaultGRPC();
  const found = fields(node, [...ADDRESS_KEYS, 'service', 'tls', 'tls_config']);
  return {
    ...readAddress(found, defaults),
    service: field(found, 'service', string, ''),
    tls: field(found, 'tls', boolean, false),
    tls_config: field(found, 'tls_config', readTLS, defaults.tls_config),
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !(value instanceof RegExp) && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

export function readModule(node: ConfigNode): Module {
  const found = fields(node, ['prober', 'timeout', 'http', 'tcp', 'icmp', 'dns', 'grpc']);
  const proberNode = found.get('prober');
  if (proberNode === undefined || !proberNode.present) return node.fail(`prober must be set (one of: ${PROBER_NAMES.join(', ')})`);
  const module = defaultModule(oneOf(proberNode, PROBER_NAMES, 'prober'), field(found, 'timeout', durationSeconds, 0));
  module.http = field(found, 'http', readHTTP, module.http);
  module.tcp = field(found, 'tcp', readTCP, module.tcp);
  module.icmp = field(found, 'icmp', readICMP, module.icmp);
  module.dns = field(found, 'dns', readDNS, module.dns);
  module.grpc = field(found, 'grpc', readGRPC, module.grpc);
  return deepFreeze(module);
}

/** `modules:`: name → Module. Absent means no modules (the built-in defaults apply only without a file). */
export function readModules(node: ConfigNode): ReadonlyMap<string, Module> {
  const modules = new Map<string, Module>();
  for (const [name, value] of entries(node)) modules.set(name, readModule(value));
  return modules;
}
