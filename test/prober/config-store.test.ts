/** ConfigStore on real files: first load, checksum-skipped reloads, a bad file keeps the last good config. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { MetricFamilies } from '../../common/metrics.js';
import { ConfigError } from '../../common/config-walk.js';
import { defaultConfig, type Config } from '../../prober/config.js';
import { ConfigStore } from '../../prober/config-store.js';

function configFile(t: TestContext, text: string): { path: string; write(text: string): void } {
  const dir = mkdtempSync(join(tmpdir(), 'platypus-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'blackbox.yml');
  writeFileSync(path, text);
  return { path, write: (next) => writeFileSync(path, next) };
}

const module = (name: string) => `modules:\n  ${name}:\n    prober: tcp\n`;

function gauges(store: ConfigStore): { successful: number | undefined; timestamp: number | undefined } {
  const families = new MetricFamilies();
  store.collect(families);
  const value = (name: string) => families.byName.get(name)?.samples[0]?.value;
  return {
    successful: value('blackbox_exporter_config_last_reload_successful'),
    timestamp: value('blackbox_exporter_config_last_reload_success_timestamp_seconds'),
  };
}

test('without a file the built-in modules are used and reload changes nothing', async () => {
  const store = await ConfigStore.open();
  assert.equal(store.current, defaultConfig());
  assert.deepEqual([...store.current.modules.keys()].sort(), ['dns', 'http_2xx', 'icmp', 'tcp_connect']);
  assert.deepEqual(await store.reload(), { changed: false });
  assert.equal(gauges(store).successful, 1);
});

test('a bad first file fails open() with file, line and key', async (t) => {
  const file = configFile(t, 'modules:\n  x:\n    prober: tcp\n    tcp:\n      bogus: 1\n');
  await assert.rejects(ConfigStore.open({ path: file.path }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.ok(error.message.startsWith(`${file.path}:5: modules.x.tcp.bogus: unknown key`), error.message);
    assert.equal(error.line, 5);
    assert.equal(error.path, 'modules.x.tcp.bogus');
    return true;
  });
  await assert.rejects(ConfigStore.open({ path: join(file.path, 'missing.yml') }), /cannot read config file .*missing\.yml.*ENOTDIR/);
});

test('an unchanged file is not parsed again; a changed one replaces the config and tells listeners', async (t) => {
  const file = configFile(t, module('first'));
  const store = await ConfigStore.open({ path: file.path });
  const seen: Config[] = [];
  store.onChange((config) => void seen.push(config));
  const loaded = store.current;
  assert.deepEqual(await store.reload(), { changed: false });
  assert.equal(store.current, loaded, 'the same frozen object: nothing was re-parsed');
  file.write(module('second'));
  assert.deepEqual(await store.reload(), { changed: true });
  assert.deepEqual([...store.current.modules.keys()], ['second']);
  assert.deepEqual(seen, [store.current]);
});

test('a bad new file keeps the last good config and sets the gauge to 0 until a good one loads', async (t) => {
  const file = configFile(t, module('good'));
  const store = await ConfigStore.open({ path: file.path });
  const loadedAt = gauges(store).timestamp!;
  file.write('modules:\n  good:\n    prober: carrier-pigeon\n');
  await assert.rejects(store.reload(), /:3: modules\.good\.prober: /);
  assert.deepEqual([...store.current.modules.keys()], ['good']);
  assert.equal(store.current.modules.get('good')?.prober, 'tcp');
  assert.deepEqual(gauges(store), { successful: 0, timestamp: loadedAt });
  assert.equal(store.lastReloadSuccessful, false);

  file.write(module('better'));
  assert.deepEqual(await store.reload(), { changed: true });
  assert.deepEqual([...store.current.modules.keys()], ['better']);
  const after = gauges(store);
  assert.equal(after.successful, 1);
  assert.ok(after.timestamp! >= loadedAt);
});

test('an empty or comment-only file is an error at start and on reload, where the last good config stays', async (t) => {
  const EOF_ERROR = /: error parsing config file: EOF \(the file is empty or holds only comments\)$/;
  for (const text of ['', '# modules come later\n\n  # indented comment\n', '---\n']) {
    const empty = configFile(t, text);
    await assert.rejects(ConfigStore.open({ path: empty.path }), EOF_ERROR, JSON.stringify(text));
  }
  const file = configFile(t, module('good'));
  const store = await ConfigStore.open({ path: file.path });
  file.write('# everything commented out\n# modules:\n');
  await assert.rejects(store.reload(), EOF_ERROR);
  assert.deepEqual([...store.current.modules.keys()], ['good']);
  assert.equal(gauges(store).successful, 0);
});

test('a listener that fails makes the reload fail, and the same file is tried again next time', async (t) => {
  const file = configFile(t, module('one'));
  const store = await ConfigStore.open({ path: file.path });
  let calls = 0;
  store.onChange(() => {
    calls++;
    if (calls === 1) throw new Error('scheduler refused');
  });
  file.write(module('two'));
  await assert.rejects(store.reload(), /scheduler refused/);
  assert.equal(gauges(store).successful, 0);
  assert.deepEqual(await store.reload(), { changed: true });
  assert.equal(calls, 2);
  assert.equal(gauges(store).successful, 1);
});

test('concurrent reloads run one after the other', async (t) => {
  const file = configFile(t, module('a'));
  const store = await ConfigStore.open({ path: file.path });
  file.write(module('b'));
  const outcomes = await Promise.all([store.reload(), store.reload(), store.reload()]);
  assert.deepEqual(outcomes, [{ changed: true }, { changed: false }, { changed: false }]);
});
