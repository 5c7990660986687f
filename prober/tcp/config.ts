/** The `tcp:` section of a module (blackbox's TCPProbe, with query_response): type, defaults and strict reader. */
import { boolean, type ConfigNode, field, fields, list, regexp, string } from '../../common/config-walk.js';
import type { GoRegExp } from '../../common/regex.js';
import { ADDRESS_KEYS, addressDefaults, readAddress, readTLS, tlsDefaults, type AddressSelection, type TLSConfig } from '../net/config.js';

export interface QueryResponseStep {
  expect?: GoRegExp;
  send?: string;
  starttls: boolean;
}

export interface TCPProbeConfig extends AddressSelection {
  query_response: QueryResponseStep[];
  tls: boolean;
  tls_config: TLSConfig;
}

export function defaultTCP(): TCPProbeConfig {
  return { ...addressDefaults(), query_response: [], tls: false, tls_config: tlsDefaults() };
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

export function readTCP(node: ConfigNode): TCPProbeConfig {
  const defaults = defaultTCP();
  const found = fields(node, [...ADDRESS_KEYS, 'source_ip_address', 'query_response', 'tls', 'tls_config']);
  return {
    ...readAddress(found),
    query_response: field(found, 'query_response', readQueryResponse, []),
    tls: field(found, 'tls', boolean, false),
    tls_config: field(found, 'tls_config', readTLS, defaults.tls_config),
  };
}
