import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readOptionalProcFile, readOptionalTextFile, readProcFile, readTextFile } from '../../../exporter/procfs/read.js';

test('readProcFile and readTextFile read files whose stat size is 0, grow past their first chunk, and enforce the cap', async (t) => {
  // /proc files report size 0: the whole content must still come back.
  assert.match(readProcFile('/proc/self/status'), /^Name:[^]*\nPid:\s+\d+\n/);
  assert.match(await readTextFile('/proc/self/status'), /^Name:[^]*\nPid:\s+\d+\n/);

  const dir = await mkdtemp(join(tmpdir(), 'platypus-read-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const big = join(dir, 'big');
  const content = 'x'.repeat(300_000);
  await writeFile(big, content);
  assert.equal(readProcFile(big), content);
  assert.equal(readProcFile(big, 300_000), content);
  assert.equal(await readTextFile(big, 300_000), content);
  const tooBig = new RegExp(`${big}: larger than the 299999-byte read limit`);
  assert.throws(() => readProcFile(big, 299_999), tooBig);
  await assert.rejects(readTextFile(big, 299_999), tooBig);
  // The shared buffer grew for the big file: a small file read after it is still exact.
  assert.equal(readProcFile('/proc/sys/kernel/ostype'), 'Linux\n');

  assert.equal(readOptionalProcFile(join(dir, 'missing')), undefined);
  assert.equal(await readOptionalTextFile(join(dir, 'missing')), undefined);
  assert.throws(() => readProcFile(join(dir, 'missing')), /ENOENT/);
});
