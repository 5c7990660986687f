/** The `dns:` section of a module (blackbox's DNSProbe): type, defaults and strict reader. */
import { boolean, type ConfigNode, field, fields, list, oneOf, regexpList, string } from '../../common/config-walk.js';
import type { GoRegExp } from '../../common/regex.js';
import { ADDRESS_KEYS, addressDefaults, readAddress, readTLS, tlsDefaults, type AddressSelection, type TLSConfig } from '../net/config.js';

export interface DNSRRValidator {
  fail_if_matches_regexp: GoRegExp[];
  fail_if_all_match_regexp: GoRegExp[];
  fail_if_not_matches_regexp: GoRegExp[];
  fail_if_none_matches_regexp: GoRegExp[];
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

const DNS_QUERY_TYPES = [
  'A', 'AAAA', 'AFSDB', 'ANY', 'APL', 'AXFR', 'CAA', 'CDNSKEY', 'CDS', 'CERT', 'CNAME', 'DNAME', 'DHCID', 'DLV', 'DNSKEY', 'DS',
  'HINFO', 'HIP', 'IXFR', 'KEY', 'KX', 'LOC', 'MX', 'NAPTR', 'NS', 'NSEC', 'NSEC3', 'NSEC3PARAM', 'NULL', 'OPT', 'PTR', 'RP',
  'RRSIG', 'SIG', 'SOA', 'SPF', 'SRV', 'SSHFP', 'TA', 'TKEY', 'TLSA', 'TSIG', 'TXT', 'URI',
] as const;
const DNS_QUERY_CLASSES = ['IN', 'CS', 'CH', 'HS', 'NONE', 'ANY'] as const;
/** Header rcodes in number order, named as miekg/dns (and blackbox's valid_rcodes) name them. */
export const DNS_RCODES = [
  'NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE',
] as const;

function rrValidatorDefaults(): DNSRRValidator {
  return { fail_if_matches_regexp: [], fail_if_all_match_regexp: [], fail_if_not_matches_regexp: [], fail_if_none_matches_regexp: [] };
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

function readRRValidator(node: ConfigNode): DNSRRValidator {
  const found = fields(node, ['fail_if_matches_regexp', 'fail_if_all_match_regexp', 'fail_if_not_matches_regexp', 'fail_if_none_matches_regexp']);
  return {
    fail_if_matches_regexp: field(found, 'fail_if_matches_regexp', regexpList, []),
    fail_if_all_match_regexp: field(found, 'fail_if_all_match_regexp', regexpList, []),
    fail_if_not_matches_regexp: field(found, 'fail_if_not_matches_regexp', regexpList, []),
    fail_if_none_matches_regexp: field(found, 'fail_if_none_matches_regexp', regexpList, []),
  };
}

export function readDNS(node: ConfigNode): DNSProbeConfig {
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
    ...readAddress(found),
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
