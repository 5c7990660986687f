import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readOptionalProcFile, readProcFile } from '../../../exporter/procfs/read.js';

test('readProcFile reads files whose stat size is 0, grows past its first chunk, and enforces the cap', async (t) => {
  // /proc files report size 0: the whole content must still come back.
  const self = await readProcFile('/proc/self/status');
  assert.match(self, /^Name:/);
  assert.match(self, /\nPid:\s+\d+\n/);

  const dir = await mkdtemp(join(tmpdir(), 'platypus-read-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const big = join(dir, 'big');
  const content = 'x'.repeat(100_000);
  await writeFile(big, content);
  assert.equal(await readProcFile(big), content);
  assert.equal(await readProcFile(big, 100_000), content);
  await assert.rejects(readProcFile(big, 99_999), new RegExp(`${big}: larger than the 99999-byte read limit`));
  assert.equal(await readOptionalProcFile(join(dir, 'missing')), undefined);
  await assert.rejects(readProcFile(join(dir, 'missing')), /ENOENT/);
});
