/** The `icmp:` section of a module (blackbox's ICMPProbe): type, defaults and strict reader. */
import { boolean, type ConfigNode, field, fields, integer } from '../../common/config-walk.js';
import { ADDRESS_KEYS, addressDefaults, readAddress, type AddressSelection } from '../net/config.js';

export interface ICMPProbeConfig extends AddressSelection {
  payload_size: number;
  dont_fragment: boolean;
  ttl: number;
}

export function defaultICMP(): ICMPProbeConfig {
  return { ...addressDefaults(), payload_size: 0, dont_fragment: false, ttl: 64 };
}

export function readICMP(node: ConfigNode): ICMPProbeConfig {
  const defaults = defaultICMP();
  const found = fields(node, [...ADDRESS_KEYS, 'source_ip_address', 'payload_size', 'dont_fragment', 'ttl']);
  return {
    ...readAddress(found),
    payload_size: field(found, 'payload_size', (n) => integer(n, 0, 65_000), 0),
    dont_fragment: field(found, 'dont_fragment', boolean, false),
    ttl: field(found, 'ttl', (n) => integer(n, 1, 255), defaults.ttl),
  };
}
