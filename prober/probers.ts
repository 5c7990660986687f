/** The prober table (blackbox's handler.go `Probers`): one line per prober, nothing else lists them. */
import { probeDNS } from './dns.js';
import { probeGRPC } from './grpc.js';
import { probeHTTP } from './http.js';
import { probeICMP } from './icmp.js';
import { probeTCP } from './tcp.js';
import type { ProbeFn, ProberName } from './types.js';

export const probers: Readonly<Record<ProberName, ProbeFn>> = {
  http: probeHTTP,
  tcp: probeTCP,
  dns: probeDNS,
  icmp: probeICMP,
  grpc: probeGRPC,
};
