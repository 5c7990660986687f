/** The prober table (blackbox's handler.go `Probers`): one line per prober, nothing else lists them. */
import { probeHTTP } from './http.js';
import type { ProbeFn, ProberName } from './types.js';

export const probers: Readonly<Partial<Record<ProberName, ProbeFn>>> = {
  http: probeHTTP,
};
