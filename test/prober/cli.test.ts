/** The real `platypus-prober` command line: flags, --help, --version, --config.check. */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VERSION } from '../../common/version.js';
import { sampleValue } from '../helpers/exposition.js';
import { requireBinary } from '../helpers/process.js';
import { fingerprint256, tlsBasicAuthWebConfig, tlsHandshake } from '../helpers/web-config.js';
import { runCliSync, startProber } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'platypus-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const good = join(dir, 'good.yml');
writeFileSync(good, 'modules:\n  web:\n    prober: http\n    timeout: 5s\n    http:\n      valid_status_codes: [200]\n');
const bad = join(dir, 'bad.yml');
writeFileSync(bad, 'modules:\n  web:\n    prober: http\n    http:\n      valid_status_codes: [200]\n      folow_redirects: false\n');

test('an unknown flag exits 1 naming it', () => {
  const result = runCliSync(['--web.listen-adress=:9115']);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /^platypus-prober: error: unknown long flag '--web\.listen-adress', try --help\n$/);
});

test('a bad flag value exits 1 naming the flag and the value', () => {
  const offset = runCliSync(['--timeout-offset=half']);
  assert.equal(offset.status, 1);
  assert.match(offset.stderr, /invalid value "half" for flag --timeout-offset/);
  const level = runCliSync(['--log.level=loud']);
  assert.equal(level.status, 1);
  assert.match(level.stderr, /invalid value "loud" for flag --log\.level/);
  const cidr = runCliSync(['--probe.deny-cidr=10.0.0.0/99', `--config.file=${good}`]);
  assert.equal(cidr.status, 1);
  assert.match(cidr.stderr, /--probe\.\* flag: .*10\.0\.0\.0\/99/);
  const peer = runCliSync(['--status-page.peer=prober-ams:9115', `--config.file=${good}`]);
  assert.equal(peer.status, 1);
  assert.match(peer.stderr, /invalid --status-page\.peer: not an http\(s\) URL: prober-ams:9115/);
  const alertmanager = runCliSync(['--status-page.alertmanager-url=http://127.0.0.1:9093', '--status-page.alertmanager-url=am 2', `--config.file=${good}`]);
  assert.equal(alertmanager.status, 1);
  assert.match(alertmanager.stderr, /invalid --status-page\.alertmanager-url: not a URL: "am 2"/);
});

test('--help lists every flag with its default and exits 0', () => {
  const result = runCliSync(['--help']);
  assert.equal(result.status, 0);
  for (const flag of ['--config.file', '--[no-]config.check', '--web.listen-address', '--web.config.file', '--timeout-offset', '--log.level', '--log.format', '--probe.max-concurrent', '--probe.allow-cidr', '--probe.deny-cidr']) {
    assert.ok(result.stdout.includes(`  ${flag}`), `${flag} missing from --help`);
  }
  assert.match(result.stdout, /\(default: ":9115"\)/);
  assert.match(result.stdout, /Offset to subtract from timeout in seconds\. \(default: 0\.5\)/);
});

test('--version prints the version and exits 0', () => {
  const result = runCliSync(['--version']);
  assert.equal(result.status, 0);
  assert.ok(result.stdout.startsWith(`platypus-prober, version ${VERSION} `), result.stdout);
});

test('--config.check exits 0 on a good file and 1 naming file, line and key on a bad one', () => {
  const ok = runCliSync([`--config.file=${good}`, '--config.check']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout, `Config file ${good} is ok, exiting...\n`);

  const wrong = runCliSync([`--config.file=${bad}`, '--config.check']);
  assert.equal(wrong.status, 1);
  assert.equal(wrong.stdout, '');
  assert.match(wrong.stderr, new RegExp(`^platypus-prober: error: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:6: modules\\.web\\.http\\.folow_redirects: unknown key`));

  const missing = runCliSync([`--config.file=${join(dir, 'absent.yml')}`, '--config.check']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot read config file .*absent\.yml.*ENOENT/);
});

test('--config.check refuses an empty or comment-only file, as blackbox_exporter does', () => {
  const blackbox = requireBinary('prometheus-blackbox-exporter', 'prometheus-blackbox-exporter');
  for (const [name, text] of [['empty.yml', ''], ['comments.yml', '# nothing here yet\n']] as const) {
    const path = join(dir, name);
    writeFileSync(path, text);
    const ours = runCliSync([`--config.file=${path}`, '--config.check']);
    assert.equal(ours.status, 1, name);
    assert.ok(ours.stderr.includes(`${path}: error parsing config file: EOF`), ours.stderr);
    const theirs = spawnSync(blackbox, [`--config.file=${path}`, '--config.check'], { encoding: 'utf8' });
    assert.equal(theirs.status, 1, `blackbox_exporter accepted ${name}`);
  }
});

test('the shipped prober/blackbox.example.yml passes --config.check here and in blackbox_exporter', () => {
  const example = fileURLToPath(new URL('../../prober/blackbox.example.yml', import.meta.url));
  const ours = runCliSync([`--config.file=${example}`, '--config.check']);
  assert.equal(ours.status, 0, ours.stderr);
  const blackbox = requireBinary('prometheus-blackbox-exporter', 'prometheus-blackbox-exporter');
  const theirs = spawnSync(blackbox, [`--config.file=${example}`, '--config.check'], { encoding: 'utf8' });
  assert.equal(theirs.status, 0, theirs.stderr);
});

test('--web.config.file: /probe over TLS with basic auth (401 without credentials, 200 with them)', async (t) => {
  const web = tlsBasicAuthWebConfig(t);
  const target = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => target.close(() => resolve())));
  const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;

  const prober = await startProber(t, [`--web.config.file=${web.path}`], { httpsGet: web.get });
  const port = Number(new URL(prober.url).port);
  const handshake = await tlsHandshake(port, web.certificate.cert);
  assert.equal(handshake.authorized, true);
  assert.equal(handshake.fingerprint256, fingerprint256(web.certificate.cert), 'the prober presents the configured certificate');
  // Plain HTTP on the same port gets no HTTP answer.
  const plain = await new Promise<string>((resolve) => {
    const socket = netConnect({ host: '127.0.0.1', port }, () => socket.write('GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n'));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(received));
    socket.setTimeout(5000, () => socket.destroy());
  });
  assert.doesNotMatch(plain, /^HTTP\/1\.1 200/);

  const probeUrl = `${prober.url}/probe?module=http_2xx&target=${encodeURIComponent(targetUrl)}`;
  assert.deepEqual(await web.get(probeUrl), { status: 401, challenge: 'Basic', body: 'Unauthorized\n' });
  assert.equal((await web.get(probeUrl, `${web.username}:wrong`)).status, 401);
  const ok = await web.get(probeUrl, `${web.username}:${web.password}`);
  assert.equal(ok.status, 200, ok.body);
  assert.equal(sampleValue(ok.body, 'probe_success'), 1);
  assert.equal(sampleValue(ok.body, 'probe_http_status_code'), 200);
});
