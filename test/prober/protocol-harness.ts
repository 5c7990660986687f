/**
 * Runs one ProbeFn directly, the way probe() will: a fresh sink, a context with a deadline, a
 * logger whose lines are kept, and the failure reason recorded. Shared by the tcp, dns, icmp and
 * grpc tests.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { TestContext } from 'node:test';
import { createLogger } from '../../common/logging.js';
import { MetricFamilies, renderText } from '../../common/metrics.js';
import type { Module } from '../../prober/module.js';
import type { TCPProbeConfig } from '../../prober/tcp/config.js';
import type { TLSConfig } from '../../prober/net/config.js';
import { defaultModule } from '../../prober/config/modules.js';
import { createTargetPolicy } from '../../prober/net/policy.js';
import type { FailureReason, ProbeFn } from '../../prober/types.js';
import { parseConfig } from '../../prober/config.js';
import { probe, runProber } from '../../prober/probe.js';
import { labelNames, parseExposition, type Family } from '../helpers/exposition.js';
import { freePort } from '../helpers/ports.js';
import { requireBinary, startProcess, waitForHttp } from '../helpers/process.js';
import { tempDir } from '../helpers/tls.js';

export interface ProbeRun {
  success: boolean;
  /** Why the probe failed, if it did. */
  reason: FailureReason | undefined;
  text: string;
  families: Map<string, Family>;
  log: string;
  elapsedMs: number;
}

export const NO_TLS: TLSConfig = { insecure_skip_verify: false };

/** A module of `prober` with blackbox's defaults, its own section replaced by `section`. */
export function moduleWith<K extends 'tcp' | 'dns' | 'icmp' | 'grpc'>(prober: K, section: Module[K], timeout = 5): Module {
  return { ...defaultModule(prober, timeout), [prober]: section };
}

/** A tcp module: ip4 preferred, no TLS, no dialogue, unless overridden. */
export function tcpModule(overrides: Partial<TCPProbeConfig> = {}, timeout = 5): Module {
  return moduleWith('tcp', { preferred_ip_protocol: 'ip4', ip_protocol_fallback: true, query_response: [], tls: false, tls_config: NO_TLS, ...overrides }, timeout);
}

export async function runProbe(probeFn: ProbeFn, target: string, module: Module, timeoutMs = module.timeout * 1000): Promise<ProbeRun> {
  let log = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      log += chunk.toString();
      done();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  const sink = new MetricFamilies();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('probe timeout')), timeoutMs);
  const started = performance.now();
  try {
    const failure = await runProber(probeFn, target, module, sink, { signal: controller.signal, logger, policy: createTargetPolicy() });
    const success = failure === undefined;
    const reason = failure?.reason;
    const elapsedMs = performance.now() - started;
    const text = renderText(sink.families());
    return { success, reason, text, families: parseExposition(text), log, elapsedMs };
  } finally {
    clearTimeout(timer);
  }
}

/** Family names, sorted, for comparing with blackbox's family lists. */
export function familyNames(run: ProbeRun): string[] {
  return [...run.families.keys()].sort();
}

export type Script = (socket: Socket, lines: AsyncIterator<string>) => Promise<void>;

/** A line-oriented TCP server on 127.0.0.1 that runs `script` for each connection. */
export async function startLineServer(t: TestContext, script: Script): Promise<number> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const lines = (async function* () {
      let pending = '';
      for await (const chunk of socket) {
        pending += (chunk as Buffer).toString();
        let newline: number;
        while ((newline = pending.indexOf('\n')) >= 0) {
          yield pending.slice(0, newline);
          pending = pending.slice(newline + 1);
        }
      }
    })()[Symbol.asyncIterator]();
    script(socket, lines).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

export async function nextLine(lines: AsyncIterator<string>): Promise<string | undefined> {
  const next = await lines.next();
  return next.done === true ? undefined : next.value;
}

const VOLATILE_FAMILIES = /_duration_seconds$|^probe_dns_lookup_time_seconds$/;

/**
 * An exposition reduced to what must agree with blackbox_exporter on the same target: every
 * family with its type and label names, and every sample value except timings. Our own
 * probe_failure_info extension is left out.
 */
export function comparable(text: string): string[] {
  const lines: string[] = [];
  for (const family of parseExposition(text).values()) {
    if (family.name === 'probe_failure_info') continue;
    lines.push(`${family.name} ${family.type} {${labelNames(family).join(',')}}`);
    if (VOLATILE_FAMILIES.test(family.name)) continue;
    for (const sample of family.samples) lines.push(`  ${sample.name}${JSON.stringify(sample.labels)} ${sample.value}`);
  }
  return lines.sort();
}

/** Debian's blackbox_exporter 0.23 on a free loopback port with `yaml` as its config. */
export async function startBlackbox(t: TestContext, yaml: string): Promise<(module: string, target: string) => Promise<string>> {
  const binary = requireBinary('prometheus-blackbox-exporter', 'prometheus-blackbox-exporter');
  const dir = tempDir(t, 'platypus-blackbox-');
  writeFileSync(join(dir, 'blackbox.yml'), yaml);
  const port = await freePort();
  const running = startProcess(t, binary, [`--config.file=${join(dir, 'blackbox.yml')}`, `--web.listen-address=127.0.0.1:${port}`]);
  await waitForHttp(running, `http://127.0.0.1:${port}/-/healthy`);
  return async (module, target) => {
    const response = await fetch(`http://127.0.0.1:${port}/probe?module=${module}&target=${encodeURIComponent(target)}`);
    return response.text();
  };
}

/** The same module through our probe(), rendered as /probe would. */
export async function probeText(yaml: string, module: string, target: string): Promise<string> {
  const result = await probe({ target, module, config: parseConfig(yaml, 'blackbox.yml') });
  return renderText(result.families.families());
}
