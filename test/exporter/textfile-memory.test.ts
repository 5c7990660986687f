/**
 * The textfile collector's memory, measured on the real exporter CLI in a child process started
 * with the V8 flags of its shebang (what the systemd unit runs).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { open, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { DEFAULT_TEXTFILE_MAX_BYTES } from '../../exporter/collectors/textfile.js';
import { sampleValue } from '../helpers/exposition.js';
import { freePort } from '../helpers/ports.js';
import { startProcess, waitForHttp, type RunningProcess } from '../helpers/process.js';
import { ROOT } from './exporter-process.js';

const CLI = join(ROOT, 'exporter/cli.ts');
const MIB = 1024 * 1024;
/** `--max-semi-space-size=1 --max-old-space-size=64`, as the installed binary runs. */
const SHEBANG_FLAGS = (readFileSync(CLI, 'utf8').split('\n')[0] ?? '').split(/\s+/).filter((word) => word.startsWith('--'));
const UNIT_MEMORY_MAX = (() => {
  const line = /^MemoryMax=(\d+)M$/m.exec(readFileSync(join(ROOT, 'exporter/platypus-exporter.service'), 'utf8'));
  assert.ok(line, 'the unit sets MemoryMax in MiB');
  return Number(line[1]) * MIB;
})();

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'platypus-textfile-memory-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `bytes` of text made by `line(i)` without holding it all in memory. */
async function writeLines(path: string, bytes: number, line: (i: number) => string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    let written = 0;
    for (let i = 0; written < bytes; ) {
      let chunk = '';
      while (chunk.length < MIB && written + chunk.length < bytes) chunk += line(i++);
      await handle.write(chunk);
      written += chunk.length;
    }
  } finally {
    await handle.close();
  }
}

interface Exporter {
  running: RunningProcess;
  base: string;
}

async function startExporter(t: TestContext, args: string[], wrap: (argv: string[]) => [string, string[]] = (argv) => [process.execPath, argv]): Promise<Exporter> {
  const port = await freePort();
  // Memory is what these tests are about, not time: a starved CI machine took over the default 9 s to read the files.
  const slowMachine = '--collector.timeout=2m';
  const [command, argv] = wrap([...SHEBANG_FLAGS, '--import', 'tsx', CLI, `--web.listen-address=127.0.0.1:${port}`, slowMachine, '--collector.disable-defaults', '--collector.textfile', ...args]);
  const running = startProcess(t, command, argv, { cwd: ROOT });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(running, `${base}/`, 60_000);
  return { running, base };
}

function statusKib(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(match, `${field} of ${pid}`);
  return Number(match[1]);
}

async function scrapeText(base: string): Promise<string> {
  const response = await fetch(`${base}/metrics`);
  assert.equal(response.status, 200);
  return response.text();
}

test('textfile memory: a 50 MB file streams with bounded RSS, an oversized one is skipped, the good file kept, the landing page answers meanwhile', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'a-good.prom'), 'panel_up{server="alpha"} 1\n');
  // 50 MB the parser must read line by line: comments (kept nowhere) and one sample at the very end.
  await writeLines(join(dir, 'b-long.prom'), 50 * 1000 * 1000, (i) => `# panel log line ${i} ${'.'.repeat(40)}\n`);
  await open(join(dir, 'b-long.prom'), 'a').then(async (handle) => {
    await handle.write('panel_long_file_read 1\n');
    await handle.close();
  });
  // Over any limit below 1 GiB; sparse, so it costs no disk.
  writeFileSync(join(dir, 'c-huge.prom'), '');
  await truncate(join(dir, 'c-huge.prom'), 1024 * MIB);

  const exporter = await startExporter(t, [`--collector.textfile.directory=${dir}`, `--collector.textfile.max-bytes=${64 * MIB}`]);
  const pid = exporter.running.child.pid as number;
  const before = statusKib(pid, 'VmRSS');
  writeFileSync(`/proc/${pid}/clear_refs`, '5'); // resets VmHWM to the current RSS

  let scraped = false;
  const scrape = scrapeText(exporter.base).finally(() => (scraped = true));
  let landingAnswersDuringScrape = 0;
  for (let i = 0; i < 10_000 && !scraped; i++) {
    const response = await fetch(`${exporter.base}/`);
    assert.equal(response.status, 200);
    await response.text();
    if (!scraped) landingAnswersDuringScrape++;
  }
  const text = await scrape;
  const peak = statusKib(pid, 'VmHWM');
  t.diagnostic(`RSS before ${Math.round(before / 1024)} MiB, peak during the 50 MB scrape ${Math.round(peak / 1024)} MiB; landing page answered ${landingAnswersDuringScrape} times meanwhile`);

  assert.equal(sampleValue(text, 'panel_up', { server: 'alpha' }), 1);
  assert.equal(sampleValue(text, 'panel_long_file_read'), 1);
  assert.equal(sampleValue(text, 'node_textfile_scrape_error'), 1);
  assert.doesNotMatch(text, /c-huge\.prom/);
  assert.match(exporter.running.output(), /c-huge\.prom.*over the textfile byte limit/);
  assert.ok(landingAnswersDuringScrape > 0, 'the landing page answered while the 50 MB file was read');
  // Reading the file whole took RSS to 1.6 GB; streamed, it stays within a few chunks of the baseline.
  assert.ok(peak - before < 100 * 1024, `RSS rose by ${Math.round((peak - before) / 1024)} MiB while streaming 50 MB`);
});

/** A memory cgroup (v2, or v1's memory controller) of this test's own, limited to `limit` bytes; undefined with the reason when none can be made. */
function makeMemoryCgroup(t: TestContext, limit: number): { procs: string; peak: () => number; oomKills: () => number } | string {
  if (process.getuid?.() !== 0) return 'not root: cannot create a cgroup';
  const own = readFileSync('/proc/self/cgroup', 'utf8').split('\n');
  const v2 = own.find((line) => line.startsWith('0::'));
  const v1 = own.find((line) => /^\d+:memory:/.test(line));
  const candidates: { dir: string; version: 1 | 2 }[] = [];
  if (v1 !== undefined) candidates.push({ dir: join('/sys/fs/cgroup/memory', v1.split(':')[2] ?? '/'), version: 1 });
  if (v2 !== undefined) candidates.push({ dir: join('/sys/fs/cgroup', v2.slice(3)), version: 2 });
  const reasons: string[] = [];
  for (const { dir: parent, version } of candidates) {
    const dir = join(parent, `platypus-textfile-${process.pid}`);
    try {
      mkdirSync(dir);
    } catch (error) {
      reasons.push(`${parent}: ${(error as Error).message}`);
      continue;
    }
    // Runs after the exporter in it has stopped (the test stops it in `finally`).
    t.after(() => rmdirSync(dir));
    try {
      if (version === 2) {
        writeFileSync(join(dir, 'memory.max'), String(limit));
        writeFileSync(join(dir, 'memory.swap.max'), '0');
        return {
          procs: join(dir, 'cgroup.procs'),
          peak: () => Number(readFileSync(join(dir, 'memory.peak'), 'utf8')),
          oomKills: () => Number(/^oom_kill (\d+)/m.exec(readFileSync(join(dir, 'memory.events'), 'utf8'))?.[1] ?? 0),
        };
      }
      writeFileSync(join(dir, 'memory.limit_in_bytes'), String(limit));
      try {
        writeFileSync(join(dir, 'memory.memsw.limit_in_bytes'), String(limit));
      } catch {
        // No swap accounting: the limit alone holds when there is no swap.
      }
      return {
        procs: join(dir, 'cgroup.procs'),
        peak: () => Number(readFileSync(join(dir, 'memory.max_usage_in_bytes'), 'utf8')),
        oomKills: () => Number(/^oom_kill (\d+)/m.exec(readFileSync(join(dir, 'memory.oom_control'), 'utf8'))?.[1] ?? 0),
      };
    } catch (error) {
      reasons.push(`${dir}: ${(error as Error).message}`);
    }
  }
  return `no writable memory cgroup (${reasons.join('; ') || 'no memory controller'})`;
}

test('textfile memory: under the unit\'s MemoryMax in a cgroup, the exporter survives its largest documented textfile input (and a file beyond it) over several scrapes', async (t) => {
  const cgroup = makeMemoryCgroup(t, UNIT_MEMORY_MAX);
  if (typeof cgroup === 'string') {
    t.skip(cgroup);
    return;
  }
  const dir = tempDir(t);
  // The documented default limit, filled with distinct series as a panel fleet would write them.
  const files = 4;
  for (let f = 0; f < files; f++) {
    await writeLines(join(dir, `panel${f}.prom`), DEFAULT_TEXTFILE_MAX_BYTES / files - 100, (i) =>
      `panel_players_${f}{server="srv-${String(i).padStart(6, '0')}",region="eu-${i % 7}",game="minecraft"} ${(i * 7.3) % 1000}\n`,
    );
  }
  // And a file beyond it, which must be skipped without being read (sparse: it costs no disk).
  writeFileSync(join(dir, 'zz-oversized.prom'), '');
  await truncate(join(dir, 'zz-oversized.prom'), 1024 * MIB);
  const exporter = await startExporter(t, [`--collector.textfile.directory=${dir}`], (argv) => [
    'sh',
    ['-c', 'echo $$ > "$0" && exec "$@"', cgroup.procs, process.execPath, ...argv],
  ]);
  try {
    const scrapes = 5;
    for (let i = 0; i < scrapes; i++) {
      const text = await scrapeText(exporter.base);
      assert.equal(sampleValue(text, 'node_textfile_scrape_error'), 1);
      assert.equal(sampleValue(text, 'panel_players_3', { server: 'srv-000001', region: 'eu-1', game: 'minecraft' }), 7.3);
    }
    t.diagnostic(`cgroup limit ${UNIT_MEMORY_MAX / MIB} MiB, peak usage ${Math.round(cgroup.peak() / MIB)} MiB over ${scrapes} scrapes of ${DEFAULT_TEXTFILE_MAX_BYTES / MIB} MiB`);
    assert.equal(cgroup.oomKills(), 0);
    assert.equal(exporter.running.child.exitCode, null);
    assert.equal(exporter.running.child.signalCode, null);
  } finally {
    await exporter.running.stop();
  }
});
