/**
 * The protocol table (blackbox's handler.go `Probers`): one row per protocol, nothing else lists
 * them. A row names the probe and its module section (defaults and strict reader); the Module type,
 * the config reader and probe() are built from it. A new protocol is one folder and one row here.
 */
import type { ConfigNode } from '../common/config-walk.js';
import { defaultDNS, readDNS } from './dns/config.js';
import { probeDNS } from './dns/probe.js';
import { defaultGRPC, readGRPC } from './grpc/config.js';
import { probeGRPC } from './grpc/probe.js';
import { defaultHTTP, readHTTP, withHostname } from './http/config.js';
import { probeHTTP } from './http/probe.js';
import { defaultICMP, readICMP } from './icmp/config.js';
import { probeICMP } from './icmp/probe.js';
import { defaultTCP, readTCP } from './tcp/config.js';
import { probeTCP } from './tcp/probe.js';
import type { ProbeFn } from './types.js';

export interface Protocol<Section> {
  /** How help texts and the landing page name it. */
  title: string;
  probe: ProbeFn;
  /** The section as blackbox fills it in when the module does not set it. */
  defaults(): Section;
  /** Reads the section strictly (unknown keys are errors), defaults applied. */
  read(node: ConfigNode): Section;
  /** The section for a probe given the `hostname` parameter; protocols without it ignore the parameter. */
  withHostname?(section: Section, hostname: string): Section;
}

export const PROTOCOLS = {
  http: { title: 'HTTP', probe: probeHTTP, defaults: defaultHTTP, read: readHTTP, withHostname },
  tcp: { title: 'TCP', probe: probeTCP, defaults: defaultTCP, read: readTCP },
  dns: { title: 'DNS', probe: probeDNS, defaults: defaultDNS, read: readDNS },
  icmp: { title: 'ICMP', probe: probeICMP, defaults: defaultICMP, read: readICMP },
  grpc: { title: 'gRPC', probe: probeGRPC, defaults: defaultGRPC, read: readGRPC },
} as const satisfies Record<string, Protocol<object>>;

export type ProberName = keyof typeof PROTOCOLS;
export const PROBER_NAMES = Object.keys(PROTOCOLS) as readonly ProberName[];

/** Each protocol's section type, by name. */
export type Sections = { [K in ProberName]: ReturnType<(typeof PROTOCOLS)[K]['defaults']> };

export const probers: Readonly<Record<ProberName, ProbeFn>> = Object.fromEntries(
  PROBER_NAMES.map((name) => [name, PROTOCOLS[name].probe]),
) as Record<ProberName, ProbeFn>;

/** "HTTP, TCP, DNS, ICMP and gRPC": the protocols for help texts. */
export const PROTOCOL_TITLES = PROBER_NAMES.map((name) => PROTOCOLS[name].title)
  .join(', ')
  .replace(/, ([^,]*)$/, ' and $1');
