/** Shared by the scheduler tests: a scriptable local HTTP target, config from YAML, a log sink. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { TestContext } from 'node:test';
import { LineCounter, parseDocument, type Node } from 'yaml';
import { createLogger, type Logger } from '../../../common/logging.js';
import { ConfigNode } from '../../../common/config-walk.js';
import { readScheduler, type SchedulerConfig } from '../../../prober/scheduler/config-section.js';

/** What the server does with the next request to a path; the default is a 200 "ok". */
export type Action = 'ok' | 'drop' | 'error' | { delayMs: number } | { status: number };

export interface TargetServer {
  port: number;
  url(path: string): string;
  /** Requests seen per path. */
  hits: Map<string, number>;
  /** Most requests open at once: over all paths, and per path. */
  maxOpen: { all: number; byPath: Map<string, number> };
  /** Actions for the next requests of a path, used up in order. */
  script(path: string, ...actions: Action[]): void;
  /** The action for every request of a path once its script is used up. */
  always(path: string, action: Action): void;
  server: Server;
}

export async function startTargetServer(t: TestContext): Promise<TargetServer> {
  const hits = new Map<string, number>();
  const scripts = new Map<string, Action[]>();
  const defaults = new Map<string, Action>();
  const maxOpen = { all: 0, byPath: new Map<string, number>() };
  const open = new Map<string, number>();
  let openAll = 0;
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    open.set(path, (open.get(path) ?? 0) + 1);
    openAll++;
    maxOpen.all = Math.max(maxOpen.all, openAll);
    maxOpen.byPath.set(path, Math.max(maxOpen.byPath.get(path) ?? 0, open.get(path)!));
    response.once('close', () => {
      open.set(path, open.get(path)! - 1);
      openAll--;
    });
    const action = scripts.get(path)?.shift() ?? defaults.get(path) ?? 'ok';
    if (action === 'drop') {
      request.socket.destroy();
    } else if (action === 'error') {
      response.writeHead(500).end('broken');
    } else if (action === 'ok') {
      response.end('ok');
    } else if ('status' in action) {
      response.writeHead(action.status).end(`status ${action.status}`);
    } else {
      setTimeout(() => response.end('slow ok'), action.delayMs);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    hits,
    maxOpen,
    script: (path, ...actions) => scripts.set(path, [...(scripts.get(path) ?? []), ...actions]),
    always: (path, action) => defaults.set(path, action),
    server,
  };
}

/** The `scheduler:` section of a YAML text, read as the config loader reads it. */
export function schedulerConfig(yamlText: string, baseDir = process.cwd()): SchedulerConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, uniqueKeys: true });
  const root = new ConfigNode({ source: 'test.yml', lineCounter, baseDir }, (doc.contents as Node | null) ?? undefined, '', 0);
  const rootMap = doc.contents as { get(key: string, keepScalar: true): Node | undefined } | null;
  const config = readScheduler(root.child('scheduler', rootMap?.get('scheduler', true)));
  if (config === undefined) throw new Error('no scheduler section in the test YAML');
  return config;
}

/** A JSON logger whose lines the test can read. */
export function capturedLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return {
    logger: createLogger({ level: 'debug', format: 'json', destination }),
    lines: () => text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
