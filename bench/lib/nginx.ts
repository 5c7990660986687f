/**
 * nginx as the benches' HTTP target: one child process (`daemon off`, its own prefix under a temp
 * directory) listening on a few loopback ports, a small page on every path.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../test/helpers/ports.js';
import type { TargetServers } from './target-server.js';

const PAGE = '<!doctype html><title>panel</title><p>ok</p>\\n';

function config(prefix: string, ports: readonly number[]): string {
  const servers = ports.map((port) => `  server { listen 127.0.0.1:${port} reuseport; location / { default_type text/html; return 200 '${PAGE}'; } }`);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `  ${name}_temp_path ${prefix}/${name};`);
  return [
    'daemon off;',
    'master_process on;',
    'worker_processes 1;',
    `pid ${prefix}/nginx.pid;`,
    `error_log ${prefix}/error.log warn;`,
    'events { worker_connections 8192; }',
    'http {',
    '  access_log off;',
    '  keepalive_timeout 65;',
    ...temp,
    ...servers,
    '}',
    '',
  ].join('\n');
}

/** The nginx binary, or an error saying how to get it. */
function nginxBinary(): string {
  for (const path of ['/usr/sbin/nginx', '/usr/bin/nginx']) {
    if (spawnSync(path, ['-v']).status === 0) return path;
  }
  throw new Error('nginx not found: install it (Debian: apt-get install -y --no-install-recommends nginx-light)');
}

/** Starts nginx on `count` free loopback ports; stop() ends it and removes its directory. */
export async function startNginx(count: number): Promise<TargetServers> {
  const binary = nginxBinary();
  const prefix = mkdtempSync(join(tmpdir(), 'platypus-bench-nginx-'));
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await freePort());
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, config(prefix, ports));
  const child = spawn(binary, ['-p', prefix, '-c', conf, '-e', join(prefix, 'error.log')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const stop = (): void => {
    // SIGQUIT: the master waits for its workers and exits; the prefix goes with it.
    child.kill('SIGQUIT');
    rmSync(prefix, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}`);
      const response = await fetch(`http://127.0.0.1:${ports[ports.length - 1]!}/`).catch(() => undefined);
      if (response?.ok === true) break;
      if (Date.now() > deadline) throw new Error('nginx did not come up in 10 s');
      await sleep(50);
    }
  } catch (error) {
    stop();
    throw error;
  }
  return { ports, pid: child.pid!, stop };
}
