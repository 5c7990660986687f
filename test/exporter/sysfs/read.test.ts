import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { SysfsReadError, ThreadedSysfsReader, type ReadOutcome } from '../../../exporter/sysfs/read.js';

const run = promisify(execFile);

/** A FIFO with no writer: open() for reading blocks until someone opens it for writing. */
async function makeFifo(dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  await run('mkfifo', [path]);
  return path;
}

/** Lets a reader blocked in open() on the FIFO return (it then reads end of file). */
async function release(fifo: string): Promise<void> {
  const handle = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  await handle.close();
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), 'condition never became true');
}

function code(outcome: ReadOutcome | undefined): string {
  assert.ok(outcome instanceof SysfsReadError, `expected an error, got ${JSON.stringify(outcome)}`);
  return outcome.code;
}

async function tree(t: { after(fn: () => Promise<void>): void }) {
  const dir = await mkdtemp(join(tmpdir(), 'platypus-sysfs-read-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'temp1_input'), '42000\n');
  await writeFile(join(dir, 'name'), 'coretemp\n');
  await mkdir(join(dir, 'subsystem'));
  return dir;
}

test('a blocking file fails with ETIMEDOUT within its bound, is not read again while stuck, and errors come back per file', async (t) => {
  const dir = await tree(t);
  const fifo = await makeFifo(dir, 'temp2_input');
  const reader = new ThreadedSysfsReader({ threads: 2, timeoutMs: 200 });
  t.after(() => reader.close());

  let ticks = 0;
  const ticker = setInterval(() => ticks++, 5);
  const first = await reader.readMany([join(dir, 'temp1_input'), fifo, join(dir, 'subsystem'), join(dir, 'missing'), join(dir, 'name')]);
  clearInterval(ticker);
  assert.ok(ticks > 0, 'the event loop ran while a read was blocked');
  assert.equal(first[0], '42000\n');
  assert.equal(code(first[1]), 'ETIMEDOUT');
  assert.match((first[1] as Error).message, /temp2_input: read did not return within 200 ms/);
  assert.equal(code(first[2]), 'EISDIR');
  assert.equal(code(first[3]), 'ENOENT');
  assert.equal(first[4], 'coretemp\n');
  assert.deepEqual(reader.stuckPaths(), [fifo]);

  // While the read hangs, the file fails at once and the other files still read (a new thread took over).
  const second = await reader.readMany([fifo, join(dir, 'name')]);
  assert.match((second[0] as Error).message, /still blocked/);
  assert.equal(second[1], 'coretemp\n');

  // Once the hung call returns, the file is read again (and, still without a writer, blocks again).
  await release(fifo);
  await until(() => reader.stuckPaths().length === 0);
  const third = await reader.readMany([fifo]);
  assert.match((third[0] as Error).message, /did not return within/);
  await release(fifo);
});

test('when every thread allowed is blocked, reads fail fast instead of queueing, and recover when a read returns', async (t) => {
  const dir = await tree(t);
  const fifo = await makeFifo(dir, 'fan1_input');
  const reader = new ThreadedSysfsReader({ threads: 1, timeoutMs: 100, maxStuckThreads: 1 });
  t.after(() => reader.close());

  assert.equal(code((await reader.readMany([fifo]))[0]), 'ETIMEDOUT');
  const blocked = await reader.readMany([join(dir, 'name')]);
  assert.match((blocked[0] as Error).message, /every sysfs reader thread is blocked/);

  await release(fifo);
  await until(() => reader.stuckPaths().length === 0);
  assert.deepEqual(await reader.readMany([join(dir, 'name')]), ['coretemp\n']);
});

test('many files spread over batches come back in order; an aborted signal rejects', async (t) => {
  const dir = await tree(t);
  const reader = new ThreadedSysfsReader({ threads: 2 });
  t.after(() => reader.close());
  const paths = Array.from({ length: 1_200 }, (_, i) => join(dir, i % 2 === 0 ? 'name' : 'temp1_input'));
  const outcomes = await reader.readMany(paths);
  assert.deepEqual(outcomes, paths.map((_, i) => (i % 2 === 0 ? 'coretemp\n' : '42000\n')));
  assert.deepEqual(await reader.readMany([]), []);
  await assert.rejects(reader.readMany(paths, AbortSignal.abort(new Error('scrape deadline'))), /scrape deadline/);
  assert.throws(() => new ThreadedSysfsReader({ threads: 0 }), /threads must be a positive integer/);
});
