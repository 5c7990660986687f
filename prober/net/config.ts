/**
 * The config parts every protocol shares: how a target's address is chosen (blackbox's
 * chooseProtocol settings) and the client TLS settings, with their defaults and strict readers.
 */
import { boolean, type ConfigNode, field, fields, fileContents, oneOf, string } from '../../common/config-walk.js';

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

const IP_PROTOCOLS: readonly IPProtocol[] = ['ip4', 'ip6'];
const TLS_VERSIONS: readonly TLSVersion[] = ['TLS10', 'TLS11', 'TLS12', 'TLS13'];

/** The address keys every section accepts; tcp, icmp and dns also take `source_ip_address`. */
export const ADDRESS_KEYS = ['preferred_ip_protocol', 'ip_protocol_fallback'] as const;

/** Address defaults shared by every prober: ip6 preferred, fallback on. */
export function addressDefaults(): AddressSelection {
  return { preferred_ip_protocol: 'ip6', ip_protocol_fallback: true };
}

export function tlsDefaults(): TLSConfig {
  return { insecure_skip_verify: false };
}

export function readAddress(found: Map<string, ConfigNode>): AddressSelection {
  const defaults = addressDefaults();
  const selection: AddressSelection = {
    preferred_ip_protocol: field(found, 'preferred_ip_protocol', (n) => oneOf(n, IP_PROTOCOLS, 'IP protocol'), defaults.preferred_ip_protocol),
    ip_protocol_fallback: field(found, 'ip_protocol_fallback', boolean, defaults.ip_protocol_fallback),
  };
  const source = field(found, 'source_ip_address', string);
  if (source !== undefined) selection.source_ip_address = source;
  return selection;
}

export function readTLS(node: ConfigNode): TLSConfig {
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
