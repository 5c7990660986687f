/**
 * The icmp prober. Node has no raw or ICMP datagram sockets, so one echo request is sent by the
 * system's ping (iputils), run with execFile and an argument list (never a shell), and its output
 * parsed. blackbox's families: probe_icmp_duration_seconds{phase="resolve|setup|rtt"} always,
 * probe_icmp_reply_hop_limit when a reply came back.
 */
import { execFile } from 'node:child_process';
import { describeMetric } from '../../common/metrics.js';
import { chooseProtocol, type ResolvedAddress } from '../net/resolve.js';
import { ProbeError, type ProbeFn } from '../types.js';
import type { ICMPProbeConfig } from './config.js';

const probeICMPDurationSeconds = describeMetric('probe_icmp_duration_seconds', 'Duration of icmp request by phase', 'gauge', ['phase']);
const probeICMPReplyHopLimit = describeMetric('probe_icmp_reply_hop_limit', 'Replied packet hop limit (TTL for ipv4)', 'gauge');

export const PING_BINARY = '/usr/bin/ping';
/** blackbox sends "Prometheus Blackbox Exporter" (28 bytes) when payload_size is 0. */
const DEFAULT_PAYLOAD_BYTES = 28;
/** ping's own wait when the module sets no timeout; the probe's deadline kills it sooner anyway. */
const DEFAULT_WAIT_SECONDS = 120;

export interface PingReply {
  rttSeconds: number;
  hopLimit?: number;
}

/** The first echo reply in ping's output: `64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.068 ms`. */
export function parsePingReply(output: string): PingReply | undefined {
  const line = /^\d+ bytes from .*time[=<]\s*([\d.]+)\s*ms/m.exec(output);
  if (line === null) return undefined;
  const ttl = /\bttl=(\d+)/.exec(line[0]);
  return { rttSeconds: Number(`${line[1]}e-3`), hopLimit: ttl === null ? undefined : Number(ttl[1]) };
}

export function pingArguments(config: ICMPProbeConfig, address: ResolvedAddress, waitSeconds: number): string[] {
  const args = ['-n', '-c', '1', '-W', String(waitSeconds), address.family === 6 ? '-6' : '-4'];
  args.push('-s', String(config.payload_size > 0 ? config.payload_size : DEFAULT_PAYLOAD_BYTES));
  if (config.ttl > 0) args.push('-t', String(config.ttl));
  if (config.dont_fragment && address.family === 4) args.push('-M', 'do');
  if (config.source_ip_address !== undefined) args.push('-I', config.source_ip_address);
  args.push(address.ip);
  return args;
}

interface PingRun {
  output: string;
  /** What ping said went wrong, if anything (stderr, else its statistics line). */
  complaint: string;
  exitCode: number | null;
  /** Seconds from spawn until ping printed its PING header (socket ready, request about to go). */
  setupSeconds: number;
}

function runPing(args: string[], signal: AbortSignal): Promise<PingRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let setupSeconds: number | undefined;
    const child = execFile(
      PING_BINARY,
      args,
      { signal, maxBuffer: 64 * 1024, env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' } },
      (error, stdout, stderr) => {
        if (signal.aborted) {
          // Settle once ping is really gone (execFile reports the abort before the exit).
          const report = (code: number | null, killedBy: string | null): void =>
            reject(new ProbeError('timeout', `probe deadline reached: ping ${killedBy === null ? `exited with ${String(code)}` : `killed with ${killedBy}`}`));
          if (child.exitCode === null && child.signalCode === null) child.once('exit', report);
          else report(child.exitCode, child.signalCode);
          return;
        }
        const output = `${stdout}${stderr}`;
        const complaint = stderr.trim() || (/^\d+ packets transmitted.*$/m.exec(stdout)?.[0] ?? '');
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        if (error !== null && code === null) return reject(new ProbeError('icmp', `running ${PING_BINARY} failed: ${error.message}`, { cause: error }));
        resolve({ output, complaint, exitCode: code, setupSeconds: setupSeconds ?? (performance.now() - started) / 1000 });
      },
    );
    child.stdout?.once('data', () => (setupSeconds = (performance.now() - started) / 1000));
  });
}

export const probeICMP: ProbeFn = async (target, module, sink, context) => {
  const config = module.icmp;
  const { logger } = context;
  const phases = { resolve: 0, setup: 0, rtt: 0 };
  let hopLimit: number | undefined;
  try {
    const address = await chooseProtocol(target, config, sink, context);
    phases.resolve = address.lookupSeconds;
    const args = pingArguments(config, address, module.timeout > 0 ? module.timeout : DEFAULT_WAIT_SECONDS);
    logger.info({ command: `${PING_BINARY} ${args.join(' ')}` }, 'Running ping');
    if (context.signal.aborted) throw new ProbeError('timeout', 'probe deadline reached before ping started');
    const ran = await runPing(args, context.signal);
    phases.setup = ran.setupSeconds;
    logger.debug({ output: ran.output }, 'ping output');
    const reply = parsePingReply(ran.output);
    if (ran.exitCode !== 0 || reply === undefined) {
      throw new ProbeError('icmp', `no echo reply (ping exited with ${String(ran.exitCode)}): ${ran.complaint}`);
    }
    phases.rtt = reply.rttSeconds;
    hopLimit = reply.hopLimit;
    logger.info({ rtt_seconds: reply.rttSeconds, hop_limit: reply.hopLimit }, 'Found matching reply packet');
  } finally {
    sink.add(probeICMPDurationSeconds, phases.resolve, ['resolve']);
    sink.add(probeICMPDurationSeconds, phases.rtt, ['rtt']);
    sink.add(probeICMPDurationSeconds, phases.setup, ['setup']);
    if (hopLimit !== undefined) sink.add(probeICMPReplyHopLimit, hopLimit);
  }
};
