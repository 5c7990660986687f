/** `platypus-monitor/prober`: the public surface of the prober. */
export { probe, type ProbeOptions, type ProbeResult, ProbeRequestError, UnknownModuleError } from './probe.js';
export { probers } from './probers.js';
export { PROBER_NAMES, FAILURE_REASONS, ProbeError, type ProbeFn, type ProberName, type FailureReason, type ProbeContext } from './types.js';
export { probeHTTP } from './http.js';
export { probeTCP } from './tcp.js';
export { probeDNS } from './dns.js';
export { probeICMP } from './icmp.js';
export { probeGRPC } from './grpc.js';
export { parseConfig, loadConfig, defaultConfig, ConfigError, type Config } from './config.js';
export type { Module } from './module.js';
export { ConfigStore, type ConfigStoreOptions, type ReloadOutcome } from './config-store.js';
export { computeTimeoutSeconds } from './timeout.js';
export { createTargetPolicy, checkTarget, type TargetPolicy, type TargetPolicyOptions } from './policy.js';
export { proberPlugin, type ProberPluginOptions } from './plugin.js';
export { buildProberApp, type ProberAppOptions } from './app.js';
export { Scheduler, type CheckProbe, type SchedulerOptions } from './scheduler/scheduler.js';
export { SchedulerService, type SchedulerServiceOptions } from './scheduler/service.js';
export { schedulerPlugin } from './scheduler/plugin.js';
