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
import { alertmanagerConfig, loadYaml, repoPath, tempDir } from './stack.js';

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

for (const file of ['docker-compose.yml', 'docker-compose.sharded.yml']) {
  test(`docker-compose config accepts ${file}`, () => {
    const dockerCompose = requireBinary('docker-compose', 'docker-compose');
    const result = spawnSync(dockerCompose, ['-f', file, 'config', '-q'], { cwd: repoPath(''), encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  });
}

test('the stack has its services (an Alertmanager pair), with pinned images', () => {
  assert.deepEqual(Object.keys(services).sort(), ['alertmanager', 'alertmanager-2', 'exporter', 'grafana', 'notifier', 'prober', 'prometheus']);
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

const alertmanagers = Object.entries(services).filter(([, service]) => service.image?.startsWith('prom/alertmanager:'));
const clusterPort = (service: Service): string => (flag(service, 'cluster.listen-address') ?? '0.0.0.0:9094').split(':').pop()!;

test('the Alertmanagers are a clustered pair: each peers with the other, same config and image, own storage and host port', () => {
  assert.equal(alertmanagers.length, 2);
  const [[nameA, a], [nameB, b]] = alertmanagers as [[string, Service], [string, Service]];
  assert.deepEqual(a.command?.filter((arg) => arg.startsWith('--cluster.peer=')), [`--cluster.peer=${nameB}:${clusterPort(b)}`]);
  assert.deepEqual(b.command?.filter((arg) => arg.startsWith('--cluster.peer=')), [`--cluster.peer=${nameA}:${clusterPort(a)}`]);
  assert.notEqual(flag(a, 'cluster.listen-address'), '', 'gossip must not be turned off');
  assert.notEqual(flag(b, 'cluster.listen-address'), '', 'gossip must not be turned off');
  assert.equal(a.image, b.image);
  assert.equal(flag(a, 'config.file'), flag(b, 'config.file'));
  const configMount = (service: Service): string | undefined => service.volumes?.find((v) => v.startsWith('./alertmanager:'));
  assert.ok(configMount(a));
  assert.equal(configMount(a), configMount(b));
  const storage = (service: Service): string | undefined => service.volumes?.find((v) => v.split(':')[1] === flag(service, 'storage.path'));
  assert.ok(storage(a) && storage(b));
  assert.notEqual(storage(a)!.split(':')[0], storage(b)!.split(':')[0], 'each keeps its own silences and notification log');
  assert.notEqual(publishedPort(a, '9093'), publishedPort(b, '9093'));
});

// The pair's command lines as shipped, run by the real Alertmanager with only the addresses moved
// to loopback: they find each other and share state (a silence made on one is on the other).
test('the real Alertmanager run with the compose commands of the pair forms one cluster', async (t) => {
  const binary = requireBinary('prometheus-alertmanager', 'prometheus-alertmanager');
  const dir = tempDir('compose-am');
  const config = alertmanagerConfig(dir, { slackUrl: 'http://127.0.0.1:9/slack', smarthost: '127.0.0.1:25' });
  const gossip = new Map<string, string>();
  for (const [name] of alertmanagers) gossip.set(name, `127.0.0.1:${await freePort()}`);
  const urls: string[] = [];
  for (const [name, service] of alertmanagers) {
    const args = service.command!.map((arg) => {
      if (arg.startsWith('--config.file=')) return `--config.file=${config}`;
      if (arg.startsWith('--storage.path=')) return `--storage.path=${tempDir('compose-am-data')}`;
      if (arg.startsWith('--cluster.listen-address=')) return `--cluster.listen-address=${gossip.get(name)}`;
      if (arg.startsWith('--cluster.peer=')) {
        const [peer, port] = arg.slice('--cluster.peer='.length).split(':') as [string, string];
        const peerService = services[peer];
        assert.ok(peerService, `${name}: peer ${peer} is no service`);
        assert.equal(port, clusterPort(peerService), `${name}: ${peer}'s gossip port`);
        return `--cluster.peer=${gossip.get(peer)}`;
      }
      return arg;
    });
    const url = `http://127.0.0.1:${await freePort()}`;
    const running = startProcess(t, binary, [...args, `--web.listen-address=${url.slice('http://'.length)}`]);
    await waitForHttp(running, `${url}/-/ready`);
    urls.push(url);
  }
  for (const url of urls) {
    await waitFor(`${url} to see both peers`, async () => {
      const status = (await (await fetch(`${url}/api/v2/status`)).json()) as { cluster: { peers: unknown[] } };
      return status.cluster.peers.length === 2;
    }, { timeoutMs: 30_000 });
  }
  const silence = {
    matchers: [{ name: 'alertname', value: 'ComposePairTest', isRegex: false, isEqual: true }],
    startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), createdBy: 'compose.test', comment: 'gossip',
  };
  const created = await fetch(`${urls[0]}/api/v2/silences`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(silence) });
  assert.equal(created.status, 200, await created.text());
  await waitFor('the silence on the other Alertmanager', async () => {
    const silences = (await (await fetch(`${urls[1]}/api/v2/silences`)).json()) as Array<{ comment: string }>;
    return silences.some((s) => s.comment === 'gossip');
  });
});

// Emails link to Prometheus through each alert's GeneratorURL and to Alertmanager through
// .ExternalURL; without --web.external-url both are built from the container's hostname.
test('Prometheus and Alertmanager are told the address people open them at (--web.external-url)', () => {
  for (const [name, containerPort] of [['prometheus', '9090'], ['alertmanager', '9093'], ['alertmanager-2', '9093']] as const) {
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
  // Every Alertmanager of the pair, each at its container port (default 9093).
  const amTargets = prometheus.alerting.alertmanagers.flatMap((am) => am.static_configs.flatMap((c) => c.targets));
  assert.deepEqual(amTargets.sort(), alertmanagers.map(([name, service]) => `${name}:${listenPort(service) ?? '9093'}`).sort());
  assert.ok(services.alertmanager!.ports?.includes('9093:9093'));
  const proberJob = prometheus.scrape_configs.find((job) => job.job_name === 'prober')!;
  assert.equal(proberJob.static_configs![0]!.targets[0], `prober:${listenPort(services.prober!)}`);
  const blackbox = prometheus.scrape_configs.find((job) => job.job_name === 'blackbox')!;
  assert.equal(blackbox.relabel_configs!.find((r) => r.target_label === '__address__')!.replacement, `prober:${listenPort(services.prober!)}`);
  assert.equal(listenPort(services.exporter!), '9100');
  const notifierJob = prometheus.scrape_configs.find((job) => job.job_name === 'notifier')!;
  assert.equal(notifierJob.static_configs![0]!.targets[0], `notifier:${listenPort(services.notifier!)}`);
  // The notifier asks Prometheus for its graphs by the compose name and container port.
  assert.ok(services.notifier!.command!.includes('--prometheus.url=http://prometheus:9090'));
  // And both Alertmanagers of the pair for silences.
  const silencesFrom = services.notifier!.command!.filter((arg) => arg.startsWith('--alertmanager.url=')).map((arg) => arg.slice('--alertmanager.url='.length));
  assert.deepEqual(silencesFrom.sort(), alertmanagers.map(([name, service]) => `http://${name}:${listenPort(service) ?? '9093'}`).sort());
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

// The Debian package that provides what each pinned image runs (the harness runs that package).
const TESTED_BY: Array<[RegExp, string]> = [
  [/^prom\/prometheus:/, 'prometheus'],
  [/^prom\/alertmanager:/, 'prometheus-alertmanager'],
  [/^victoriametrics\//, 'victoria-metrics'],
];

test('every pinned image is listed in docs/stack.md with the version the tests run, and any difference explained', () => {
  const rows = readFileSync(repoPath('docs/stack.md'), 'utf8').split('\n').filter((line) => line.startsWith('| `'));
  const images = new Set(['docker-compose.yml', 'docker-compose.sharded.yml'].flatMap((file) =>
    Object.values((loadYaml(file) as { services: Record<string, Service> }).services).flatMap((s) => s.image ?? [])));
  for (const image of images) {
    const row = rows.find((line) => line.startsWith(`| \`${image}\` |`));
    assert.ok(row, `${image}: no row in docs/stack.md "Versions"`);
    const [, tested = '', difference = ''] = row.split('|').slice(1).map((cell) => cell.trim());
    const debianPackage = TESTED_BY.find(([pattern]) => pattern.test(image))?.[1];
    if (debianPackage === undefined) continue;
    const installed = spawnSync('dpkg-query', ['-W', '-f=${Version}', debianPackage], { encoding: 'utf8' }).stdout.replace(/^\d+:/, '').match(/^[\d.]+/)?.[0];
    assert.ok(installed, `${debianPackage} is not installed`);
    assert.equal(tested, `${debianPackage} ${installed}`, `${image}: the tests run ${debianPackage} ${installed}`);
    const pinned = image.split(':v')[1];
    if (pinned === installed) assert.equal(difference, 'same version', image);
    else assert.ok(difference.length > 80, `${image}: pinned ${pinned}, tested ${installed}: list what differs for the shipped files`);
  }
});
