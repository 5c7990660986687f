// docker-compose.yml is valid for Debian's docker-compose (no engine needed for `config`), and its
// services, ports and mounts agree with prometheus.yml, the prober config and Grafana provisioning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../helpers/ports.js';
import { requireBinary, startProcess, waitForHttp } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { loadYaml, repoPath, tempDir } from './stack.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  ports?: string[];
  volumes?: string[];
  network_mode?: string;
  pid?: string;
  user?: string;
}
const compose = loadYaml('docker-compose.yml') as { services: Record<string, Service> };
const services = compose.services;

test('docker-compose config accepts docker-compose.yml', () => {
  const dockerCompose = requireBinary('docker-compose', 'docker-compose');
  const result = spawnSync(dockerCompose, ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: repoPath(''), encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
});

test('the stack has its five services, with pinned images', () => {
  assert.deepEqual(Object.keys(services).sort(), ['alertmanager', 'exporter', 'grafana', 'prober', 'prometheus']);
  for (const [name, service] of Object.entries(services)) {
    if (service.image !== undefined) assert.match(service.image, /:[v0-9][\w.-]*$/, `${name}: image not pinned`);
    assert.ok(!service.image?.endsWith(':latest'), name);
  }
});

test('the exporter sees the host as node_exporter\'s Docker recipe says', () => {
  const exporter = services.exporter!;
  assert.equal(exporter.network_mode, 'host');
  assert.equal(exporter.pid, 'host');
  assert.ok(exporter.volumes?.includes('/:/host:ro,rslave'));
  assert.ok(exporter.command?.includes('--path.rootfs=/host'));
});

function flag(service: Service, name: string): string | undefined {
  return service.command?.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function listenPort(service: Service): string | undefined {
  return flag(service, 'web.listen-address')?.split(':').pop();
}

/** The host port a service publishes for `containerPort` (`HOST:CONTAINER` entries). */
function publishedPort(service: Service, containerPort: string): string | undefined {
  return service.ports?.map((p) => p.split(':')).find((p) => p.at(-1) === containerPort)?.at(-2);
}

// Emails link to Prometheus through each alert's GeneratorURL and to Alertmanager through
// .ExternalURL; without --web.external-url both are built from the container's hostname.
test('Prometheus and Alertmanager are told the address people open them at (--web.external-url)', () => {
  for (const [name, containerPort] of [['prometheus', '9090'], ['alertmanager', '9093']] as const) {
    const service = services[name]!;
    const value = flag(service, 'web.external-url');
    assert.ok(value, `${name}: no --web.external-url`);
    const url = new URL(value);
    assert.match(url.protocol, /^https?:$/, `${name}: ${value}`);
    assert.notEqual(url.hostname, name, `${name}: the container hostname is not reachable by people`);
    // The shipped default is the published port on this machine.
    if (url.hostname === 'localhost') assert.equal(url.port, publishedPort(service, containerPort), `${name}: ${value}`);
  }
});

test('a real Prometheus run with the compose flags sends alerts whose links use --web.external-url', async (t) => {
  const binary = requireBinary('prometheus', 'prometheus');
  const externalUrl = flag(services.prometheus!, 'web.external-url');
  assert.ok(externalUrl, 'prometheus: no --web.external-url');
  // A stand-in Alertmanager that records what Prometheus posts.
  const posted: Array<{ labels: Record<string, string>; generatorURL: string }> = [];
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/api/v2/alerts') posted.push(...JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => { receiver.closeAllConnections(); receiver.close(() => resolve()); }));
  const dir = tempDir('compose-prometheus');
  writeFileSync(join(dir, 'rules.yml'), stringify({ groups: [{ name: 'always', interval: '1s', rules: [{ alert: 'Always', expr: 'vector(1)' }] }] }));
  writeFileSync(join(dir, 'prometheus.yml'), stringify({
    global: { evaluation_interval: '1s' },
    rule_files: [join(dir, 'rules.yml')],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${(receiver.address() as AddressInfo).port}`] }] }] },
  }));
  // The compose command as shipped; only the paths inside the container are replaced.
  const args = services.prometheus!.command!.map((arg) => {
    if (arg.startsWith('--config.file=')) return `--config.file=${join(dir, 'prometheus.yml')}`;
    if (arg.startsWith('--storage.tsdb.path=')) return `--storage.tsdb.path=${join(dir, 'data')}`;
    return arg;
  });
  const address = `127.0.0.1:${await freePort()}`;
  // Resent every second: the first evaluation may come before the notifier has its target.
  const running = startProcess(t, binary, [...args, `--web.listen-address=${address}`, '--rules.alert.resend-delay=1s']);
  await waitForHttp(running, `http://${address}/-/ready`, 30_000);
  const alert = await waitFor('the alert posted by Prometheus', () => posted.find((a) => a.labels.alertname === 'Always'));
  assert.ok(alert.generatorURL.startsWith(`${externalUrl.replace(/\/$/, '')}/graph?g0.expr=`), alert.generatorURL);
});

test('prometheus.yml reaches the prober and Alertmanager by their compose service names and ports', () => {
  const prometheus = loadYaml('prometheus/prometheus.yml') as {
    alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
    scrape_configs: Array<{ job_name: string; static_configs?: Array<{ targets: string[] }>; relabel_configs?: Array<{ target_label?: string; replacement?: string }> }>;
  };
  const amTarget = prometheus.alerting.alertmanagers[0]!.static_configs[0]!.targets[0]!;
  assert.equal(amTarget, 'alertmanager:9093');
  assert.ok(services.alertmanager!.ports?.includes('9093:9093'));
  const proberJob = prometheus.scrape_configs.find((job) => job.job_name === 'prober')!;
  assert.equal(proberJob.static_configs![0]!.targets[0], `prober:${listenPort(services.prober!)}`);
  const blackbox = prometheus.scrape_configs.find((job) => job.job_name === 'blackbox')!;
  assert.equal(blackbox.relabel_configs!.find((r) => r.target_label === '__address__')!.replacement, `prober:${listenPort(services.prober!)}`);
  assert.equal(listenPort(services.exporter!), '9100');
});

test('mounted config folders exist and the files each service is pointed at are in them', () => {
  for (const [name, service] of Object.entries(services)) {
    for (const volume of service.volumes ?? []) {
      const source = volume.split(':')[0]!;
      if (source.startsWith('./')) assert.ok(existsSync(repoPath(source)), `${name}: ${source}`);
    }
  }
  const mounted = (service: string, inside: string): string => {
    const volume = services[service]!.volumes!.find((v) => inside.startsWith(v.split(':')[1]!))!;
    const [source, target] = volume.split(':') as [string, string];
    return repoPath(source + inside.slice(target.length));
  };
  for (const [service, flag] of [['prober', '--config.file='], ['prometheus', '--config.file='], ['alertmanager', '--config.file=']] as const) {
    const path = services[service]!.command!.find((arg) => arg.startsWith(flag))!.slice(flag.length);
    assert.ok(existsSync(mounted(service, path)), `${service}: ${path}`);
  }
  const provider = loadYaml('grafana/provisioning/dashboards/platypus.yml') as { providers: Array<{ options: { path: string } }> };
  assert.ok(existsSync(`${mounted('grafana', provider.providers[0]!.options.path)}/fleet.json`));
  const datasource = readFileSync(repoPath('grafana/provisioning/datasources/prometheus.yml'), 'utf8');
  assert.match(datasource, /url: http:\/\/prometheus:9090/);
  assert.ok(services.prometheus!.ports?.includes('9090:9090'));
});

test('the Dockerfile is multi-stage and runs as a non-root user', () => {
  const dockerfile = readFileSync(repoPath('Dockerfile'), 'utf8');
  assert.ok((dockerfile.match(/^FROM /gm) ?? []).length >= 2);
  assert.match(dockerfile, /^COPY --from=build /m);
  const users = dockerfile.match(/^USER (\S+)/gm) ?? [];
  assert.ok(users.length > 0 && !users.at(-1)!.endsWith(' root'));
});
