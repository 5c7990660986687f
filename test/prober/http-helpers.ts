/** Shared by the http prober tests: loopback servers closed after the test, modules, metric reads. */
import type { Server as HttpServer } from 'node:http';
import type { Server as NetServer } from 'node:net';
import type { TestContext } from 'node:test';
import { renderText } from '../../common/metrics.js';
import { defaultModule } from '../../prober/config/modules.js';
import type { HTTPProbeConfig } from '../../prober/http/config.js';
import type { Module } from '../../prober/module.js';
import { probe, type ProbeOptions, type ProbeResult } from '../../prober/probe.js';
import { parseExposition, sampleValue } from '../helpers/exposition.js';

/** Listens on 127.0.0.1:0; the server and every connection are closed when the test ends. */
export async function listen(t: TestContext, server: HttpServer | NetServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** An http module (ip4 preferred so 127.0.0.1 is reported as IPv4) with `overrides`. */
export function httpModule(overrides: Partial<HTTPProbeConfig> = {}, timeout = 5): Module {
  const module = defaultModule('http', timeout);
  module.http = { ...module.http, preferred_ip_protocol: 'ip4', ...overrides };
  return module;
}

export interface Run extends ProbeResult {
  text: string;
  value(name: string, labels?: Record<string, string>): number | undefined;
  familyNames(): string[];
  elapsedMs: number;
}

export async function run(target: string, module: Module, options: Partial<ProbeOptions> = {}): Promise<Run> {
  const started = performance.now();
  const result = await probe({ target, module, ...options });
  const elapsedMs = performance.now() - started;
  const text = renderText(result.families.families());
  const parsed = parseExposition(text);
  return {
    ...result,
    text,
    elapsedMs,
    value: (name, labels = {}) => sampleValue(parsed, name, labels),
    familyNames: () => [...parsed.keys()].sort(),
  };
}
