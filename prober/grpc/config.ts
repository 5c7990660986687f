/** The `grpc:` section of a module (blackbox's GRPCProbe): type, defaults and strict reader. */
import { boolean, type ConfigNode, field, fields, string } from '../../common/config-walk.js';
import { ADDRESS_KEYS, addressDefaults, readAddress, readTLS, tlsDefaults, type AddressSelection, type TLSConfig } from '../net/config.js';

export interface GRPCProbeConfig extends AddressSelection {
  service: string;
  tls: boolean;
  tls_config: TLSConfig;
}

export function defaultGRPC(): GRPCProbeConfig {
  return { ...addressDefaults(), service: '', tls: false, tls_config: tlsDefaults() };
}

export function readGRPC(node: ConfigNode): GRPCProbeConfig {
  const defaults = defaultGRPC();
  const found = fields(node, [...ADDRESS_KEYS, 'service', 'tls', 'tls_config']);
  return {
    ...readAddress(found),
    service: field(found, 'service', string, ''),
    tls: field(found, 'tls', boolean, false),
    tls_config: field(found, 'tls_config', readTLS, defaults.tls_config),
  };
}
