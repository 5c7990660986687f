// docker-compose.yml run as its containers run it, without a container engine: every service is the
// same program (Debian's build of the image's entrypoint, or ours from source) started with the
// service's exact `command:` and environment, its volumes, secrets and extra_hosts, in the image's
// working directory and as the image's user. Each service gets a mount namespace whose root is a
// copy-on-write overlay of this machine's (so /etc/alertmanager, /alertmanager, /prometheus… can exist
// without touching the host) and a network namespace of its own on a bridge made for the test,
// where service names resolve (through the /etc/hosts of its root) to the address the harness gave
// each service. The services of `network_mode: host` share one namespace that stands for the Docker
// host (`host-gateway`), so that stacks of concurrent tests never compete for this machine's ports.
// Nothing in the project is rewritten.
import { execFileSync } from 'node:child_process';
import { chownSync, cpSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { parse } from 'yaml';
import { requireBinary, startProcess, type RunningProcess } from '../helpers/process.js';
import { ROOT, tempDir } from './stack.js';

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string> | string[];
  volumes?: string[];
  secrets?: string[];
  extra_hosts?: string[];
  network_mode?: string;
  user?: string;
  working_dir?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file: string }>;
  volumes?: Record<string, unknown>;
}

/** What an image defines that compose does not say: its entrypoint, working directory, user and environment. */
interface ImageDefaults {
  entrypoint: string[];
  workdir: string;
  user: string;
  env: Record<string, string>;
}

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

// The official images as their Dockerfiles build them (ENTRYPOINT, WORKDIR, USER), mapped to Debian's
// build of the same program.
const PUBLISHED_IMAGES: Array<{ image: RegExp; defaults: ImageDefaults }> = [
  { image: /^prom\/prometheus:/, defaults: { entrypoint: ['/usr/bin/prometheus'], workdir: '/prometheus', user: 'nobody', env: {} } },
  { image: /^prom\/alertmanager:/, defaults: { entrypoint: ['/usr/bin/prometheus-alertmanager'], workdir: '/alertmanager', user: 'nobody', env: {} } },
  { image: /^victoriametrics\/victoria-metrics:/, defaults: { entrypoint: ['/usr/bin/victoria-metrics'], workdir: '/', user: 'root', env: {} } },
  { image: /^victoriametrics\/vmagent:/, defaults: { entrypoint: ['/usr/bin/vmagent'], workdir: '/', user: 'root', env: {} } },
  { image: /^victoriametrics\/vmalert:/, defaults: { entrypoint: ['/usr/bin/vmalert'], workdir: '/', user: 'root', env: {} } },
];

// Users of those images and of node:*-slim, by name.
const IMAGE_USERS: Record<string, [uid: number, gid: number]> = { root: [0, 0], nobody: [65534, 65534], node: [1000, 1000] };

// Our image's programs (symlinks to dist/*/cli.js on its PATH), run from source with tsx instead;
// the project is mounted where the image has it (its WORKDIR).
const OUR_PROGRAMS: Record<string, string> = {
  'platypus-exporter': 'exporter/cli.ts', 'platypus-prober': 'prober/cli.ts', 'platypus-notifier': 'notifier/cli.ts',
};

/** WORKDIR, USER and ENV of the Dockerfile's last stage. */
function dockerfileDefaults(dockerfile: string): ImageDefaults {
  const lastStage = dockerfile.split(/^FROM /m).at(-1)!;
  const last = (instruction: string): string | undefined =>
    [...lastStage.matchAll(new RegExp(`^${instruction} (.+)$`, 'gm'))].at(-1)?.[1]?.trim();
  const env = Object.fromEntries([...lastStage.matchAll(/^ENV (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  return { entrypoint: [], workdir: last('WORKDIR') ?? '/', user: last('USER') ?? 'root', env };
}

/** A copy of the files an operator edits (compose file, configs, secrets), as in their checkout. */
export function checkoutProject(): string {
  const dir = tempDir('checkout');
  for (const path of ['docker-compose.yml', 'docker-compose.sharded.yml', 'Dockerfile', 'prometheus', 'alertmanager', 'grafana']) {
    cpSync(join(ROOT, path), join(dir, path), { recursive: true });
  }
  return dir;
}

const quote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A /24 of 10.0.0.0/8 that no route of this machine uses. */
function freeSubnet(): string {
  const routes = execFileSync('ip', ['-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' });
  for (let attempt = 0; attempt < 50; attempt++) {
    const prefix = `10.${100 + Math.floor(Math.random() * 150)}.${Math.floor(Math.random() * 250)}`;
    if (!routes.includes(`${prefix}.`)) return prefix;
  }
  throw new Error('no free 10.x.y.0/24 for the compose network');
}

export interface ComposeStackOptions {
  /** The compose file, relative to the project (default docker-compose.yml). */
  composeFile?: string;
  /** More names every service resolves, each to the test's own address (the gateway). */
  outsideNames?: string[];
  /** A PEM certificate added to every service's system trust store (for the test's TLS servers). */
  trustedCA?: string;
}

export class ComposeStack {
  readonly compose: ComposeFile;
  /** This machine's address on the stack's network: the test's own servers listen here. */
  readonly gateway: string;
  /** The address of the namespace standing for the Docker host (network_mode: host, host-gateway). */
  private readonly dockerHost: string;
  private readonly addresses = new Map<string, string>();
  private readonly running = new Map<string, RunningProcess>();
  private readonly id = Math.random().toString(16).slice(2, 8);
  private readonly bridge = `plb${this.id}`;
  private readonly work = tempDir('compose-run');

  private constructor(private readonly t: TestContext, readonly projectDir: string, private readonly options: ComposeStackOptions) {
    this.compose = parse(readFileSync(join(projectDir, options.composeFile ?? 'docker-compose.yml'), 'utf8')) as ComposeFile;
    requireBinary('ip', 'iproute2');
    requireBinary('unshare', 'util-linux');
    requireBinary('nsenter', 'util-linux');
    if (process.getuid?.() !== 0) throw new Error('the compose harness makes namespaces and mounts: run the tests as root');
    const prefix = freeSubnet();
    this.gateway = `${prefix}.1`;
    t.after(() => this.teardown());
    ip('link', 'add', this.bridge, 'type', 'bridge');
    ip('addr', 'add', `${this.gateway}/24`, 'dev', this.bridge);
    ip('link', 'set', this.bridge, 'up');
    this.dockerHost = `${prefix}.254`;
    Object.entries(this.compose.services).forEach(([name, service], i) => {
      this.addresses.set(name, service.network_mode === 'host' ? this.dockerHost : `${prefix}.${i + 2}`);
    });
  }

  /** Prepares the network of the services of the project's compose file (nothing runs yet). */
  static create(t: TestContext, projectDir: string, options: ComposeStackOptions = {}): ComposeStack {
    return new ComposeStack(t, projectDir, options);
  }

  /** The address `service` is reached at from the test (and from the other services). */
  address(service: string): string {
    const address = this.addresses.get(service);
    if (address === undefined) throw new Error(`no service ${service} in docker-compose.yml`);
    return address;
  }

  private namespace(service: string): string {
    if (this.compose.services[service]!.network_mode === 'host') return `pl${this.id}-host`;
    return `pl${this.id}-${[...this.addresses.keys()].indexOf(service)}`;
  }

  private readonly namespaces = new Set<string>();

  private connect(service: string): void {
    const ns = this.namespace(service);
    if (this.namespaces.has(ns)) return;
    this.namespaces.add(ns);
    const veth = `${ns}h`;
    ip('netns', 'add', ns);
    ip('link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    ip('link', 'set', veth, 'master', this.bridge, 'up');
    ip('-n', ns, 'addr', 'add', `${this.address(service)}/24`, 'dev', 'eth0');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'link', 'set', 'eth0', 'up');
    ip('-n', ns, 'route', 'add', 'default', 'via', this.gateway);
  }

  private hostsFile(service: string): string {
    const lines = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
    for (const [name, address] of this.addresses) lines.push(`${address}\t${name}`);
    for (const entry of this.compose.services[service]!.extra_hosts ?? []) {
      const [name, target] = entry.split(':') as [string, string];
      lines.push(`${target === 'host-gateway' ? this.dockerHost : target}\t${name}`);
    }
    for (const name of this.options.outsideNames ?? []) lines.push(`${this.gateway}\t${name}`);
    return `${lines.join('\n')}\n`;
  }

  private imageDefaults(service: ComposeService): ImageDefaults {
    if (service.build !== undefined) return dockerfileDefaults(readFileSync(join(this.projectDir, 'Dockerfile'), 'utf8'));
    const known = PUBLISHED_IMAGES.find((entry) => entry.image.test(service.image ?? ''));
    if (known === undefined) throw new Error(`the harness has no program for image ${service.image}`);
    return known.defaults;
  }

  /** The program and arguments the container runs: the entrypoint with `command:` unchanged. */
  private program(service: ComposeService, defaults: ImageDefaults): string[] {
    const command = service.command ?? [];
    if (defaults.entrypoint.length > 0) return [...defaults.entrypoint, ...command];
    const [name, ...args] = command;
    const source = OUR_PROGRAMS[name ?? ''];
    if (source === undefined) throw new Error(`no program for command ${name}`);
    return [process.execPath, '--import', 'tsx', `${defaults.workdir}/${source}`, ...args];
  }

  /** The mounts of the container: [source on this machine, path inside, read-only]. */
  private mounts(name: string, service: ComposeService, owner: [number, number], workdir: string): Array<[string, string, boolean]> {
    const mounts: Array<[string, string, boolean]> = [];
    if (service.build !== undefined) mounts.push([ROOT, workdir, true]);
    for (const volume of service.volumes ?? []) {
      const [source, target, mode = ''] = volume.split(':') as [string, string, string?];
      const readOnly = mode.split(',').includes('ro');
      if (source.startsWith('.') || source.startsWith('/')) {
        mounts.push([resolve(this.projectDir, source), target, readOnly]);
      } else {
        if (!(source in (this.compose.volumes ?? {}))) {
          throw new Error(`${name}: volume ${source} is not declared`);
        }
        // A new named volume takes the ownership of the image's directory it is mounted on, which
        // for these images belongs to the image's user.
        const dir = join(this.work, 'volumes', source);
        mkdirSync(dir, { recursive: true });
        chownSync(dir, owner[0], owner[1]);
        mounts.push([dir, target, readOnly]);
      }
    }
    for (const secret of service.secrets ?? []) {
      const file = this.compose.secrets?.[secret]?.file;
      if (file === undefined) throw new Error(`${name}: secret ${secret} is not declared`);
      mounts.push([resolve(this.projectDir, file), `/run/secrets/${secret}`, true]);
    }
    return mounts;
  }

  /** Starts `name` as its container would run; stopped when the test ends (or by `stop`). */
  start(name: string): RunningProcess {
    const service = this.compose.services[name];
    if (service === undefined) throw new Error(`no service ${name} in docker-compose.yml`);
    const defaults = this.imageDefaults(service);
    const workdir = service.working_dir ?? defaults.workdir;
    const userName = service.user ?? defaults.user;
    const user = IMAGE_USERS[userName];
    if (user === undefined) throw new Error(`${name}: unknown image user ${userName}`);
    const root = join(this.work, 'roots', name);
    for (const part of ['upper', 'work', 'root']) {
      rmSync(join(root, part), { recursive: true, force: true });
      mkdirSync(join(root, part), { recursive: true });
    }
    const tree = join(root, 'root');
    const environment = Array.isArray(service.environment)
      ? Object.fromEntries(service.environment.map((entry) => [entry.split('=')[0]!, entry.slice(entry.indexOf('=') + 1)]))
      : service.environment ?? {};
    const env = { PATH, HOSTNAME: name, HOME: '/', ...defaults.env, ...environment };
    const script = [
      'set -e',
      `mount -t overlay overlay -o ${quote(`lowerdir=/,upperdir=${join(root, 'upper')},workdir=${join(root, 'work')}`)} ${quote(tree)}`,
      ...['/proc', '/sys', '/dev'].map((path) => `mount --rbind ${path} ${quote(tree + path)}`),
      `printf %s ${quote(this.hostsFile(name))} > ${quote(`${tree}/etc/hosts`)}`,
      ...(this.options.trustedCA === undefined ? [] : [`printf '%s\\n' ${quote(this.options.trustedCA)} >> ${quote(`${tree}/etc/ssl/certs/ca-certificates.crt`)}`]),
      ...this.mounts(name, service, user, workdir).flatMap(([source, target, readOnly]) => [
        // A file (a secret) is bound onto a file, a folder onto a folder.
        statSync(source).isDirectory()
          ? `mkdir -p ${quote(tree + target)}`
          : `mkdir -p ${quote(dirname(tree + target))} && touch ${quote(tree + target)}`,
        `mount --rbind ${quote(source)} ${quote(tree + target)}`,
        ...(readOnly ? [`mount -o remount,bind,ro ${quote(tree + target)}`] : []),
      ]),
      `mkdir -p ${quote(tree + workdir)}`,
      `exec chroot --userspec=${user[0]}:${user[1]} --groups=${user[1]} ${quote(tree)} env -i --chdir=${quote(workdir)} ${
        Object.entries(env).map(([key, value]) => quote(`${key}=${value}`)).join(' ')} ${this.program(service, defaults).map(quote).join(' ')}`,
    ].join('\n');
    this.connect(name);
    const running = startProcess(this.t, 'nsenter', [`--net=/run/netns/${this.namespace(name)}`, 'unshare', '--mount', '--propagation', 'private', 'sh', '-c', script]);
    this.running.set(name, running);
    return running;
  }

  /** Stops a service as `docker compose kill` would (SIGKILL: no goodbye). */
  async kill(name: string): Promise<void> {
    const running = this.running.get(name);
    if (running === undefined) throw new Error(`${name} is not running`);
    const exited = new Promise<void>((done) => running.child.once('exit', () => done()));
    if (running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill('SIGKILL');
      await exited;
    }
  }

  private async teardown(): Promise<void> {
    for (const running of this.running.values()) await running.stop();
    for (const ns of this.namespaces) {
      try { ip('netns', 'del', ns); } catch { /* already gone */ }
    }
    try { ip('link', 'del', this.bridge); } catch { /* already gone */ }
    rmSync(this.work, { recursive: true, force: true });
  }
}
