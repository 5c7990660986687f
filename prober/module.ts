/**
 * Parsed, validated modules in blackbox.yml's shape. Field names are blackbox's own snake_case keys,
 * so a module prints back as the YAML it came from (debug output, `/config`). Defaults are already
 * applied and regexes compiled by the config loader: probers never re-check these.
 */
import type { ProberName } from './types.js';

export type IPProtocol = 'ip4' | 'ip6';
export type TLSVersion = 'TLS10' | 'TLS11' | 'TLS12' | 'TLS13';

export interface TLSConfig {
  /** PEM text, inline or read from the matching *_file at load time. */
  ca?: string;
  cert?: string;
  key?: string;
  ca_file?: string;
  cert_file?: string;
  key_file?: string;
  server_name?: string;
  insecure_skip_verify: boolean;
  min_version?: TLSVersion;
  max_version?: TLSVersion;
}

/** Shared by every prober that resolves a name (blackbox's chooseProtocol). */
export interface AddressSelection {
  preferred_ip_protocol: IPProtocol;
  ip_protocol_fallback: boolean;
  source_ip_address?: string;
}

/** An inclusive range of accepted HTTP status codes; `200` is {min:200,max:200}, `2xx` is {min:200,max:299}. */
export interface StatusCodeRange {
  min: number;
  max: number;
}

export interface HeaderMatch {
  header: string;
  regexp: RegExp;
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
  fail_if_body_matches_regexp: RegExp[];
  fail_if_body_not_matches_regexp: RegExp[];
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

export interface QueryResponseStep {
  expect?: RegExp;
  send?: string;
  starttls: boolean;
}

export interface TCPProbeConfig extends AddressSelection {
  query_response: QueryResponseStep[];
  tls: boolean;
  tls_config: TLSConfig;
}

export interface ICMPProbeConfig extends AddressSelection {
  payload_size: number;
  dont_fragment: boolean;
  ttl: number;
}

export interface DNSRRValidator {
  fail_if_matches_regexp: RegExp[];
  fail_if_all_match_regexp: RegExp[];
  fail_if_not_matches_regexp: RegExp[];
  fail_if_none_matches_regexp: RegExp[];
}

export interface DNSProbeConfig extends AddressSelection {
  transport_protocol: 'udp' | 'tcp';
  dns_over_tls: boolean;
  tls_config: TLSConfig;
  query_name: string;
  /** Upper-case RR type name, e.g. "A", "AAAA", "MX". */
  query_type: string;
  /** Upper-case class name, e.g. "IN". */
  query_class: string;
  recursion_desired: boolean;
  /** Rcode names, e.g. ["NOERROR"]. */
  valid_rcodes: string[];
  validate_answer_rrs: DNSRRValidator;
  validate_authority_rrs: DNSRRValidator;
  validate_additional_rrs: DNSRRValidator;
}

export interface GRPCProbeConfig extends AddressSelection {
  service: string;
  tls: boolean;
  tls_config: TLSConfig;
}

export interface Module {
  prober: ProberName;
  /** Seconds; 0 means "no module limit" (the scrape timeout decides). */
  timeout: number;
  http: HTTPProbeConfig;
  tcp: TCPProbeConfig;
  icmp: ICMPProbeConfig;
  dns: DNSProbeConfig;
  grpc: GRPCProbeConfig;
}
