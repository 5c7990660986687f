import assert from 'node:assert/strict';
import { test } from 'node:test';
import { processesCollector } from '../../../exporter/collectors/processes.js';
import { parseProcStat } from '../../../exporter/procfs/processes.js';
import { createCollector, scrape } from './fixture.js';
import { procTree } from './proc-tree.js';
import { testRendersFixture } from './renders.js';

testRendersFixture([[processesCollector, 'processes.prom']]);

const LIMITS = { 'sys/kernel/pid_max': '32768\n', 'sys/kernel/threads-max': '1000\n' };

function stat(pid: number, comm: string, state: string, threads: number): string {
  return `${pid} (${comm}) ${state} 1 ${pid} ${pid} 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 ${threads} 0 100 0 0\n`;
}

const series = (text: string): string[] => text.split('\n').filter((line) => line.startsWith('node_processes_'));

test('processes: a process or thread whose stat is gone (exited mid-read) is skipped, not an error', async (t) => {
  const paths = procTree(t, {
    ...LIMITS,
    '10/stat': stat(10, 'app', 'S', 2),
    '10/task/10/stat': stat(10, 'app', 'S', 2),
    // Thread 11 exited: its directory was listed, its stat is gone.
    '10/task/11/comm': 'app\n',
    // Process 20 exited between listing /proc and reading its stat; 30 had no task directory left.
    '20/comm': 'gone\n',
    '30/stat': stat(30, 'sh', 'R', 1),
  });
  assert.deepEqual(series(await scrape(createCollector(processesCollector, { paths }))), [
    'node_processes_threads 3',
    'node_processes_max_threads 1000',
    'node_processes_state{state="R"} 1',
    'node_processes_state{state="S"} 1',
    'node_processes_threads_state{thread_state="S"} 1',
    'node_processes_pids 2',
    'node_processes_max_processes 32768',
  ]);
});

test('processes: a malformed stat or a missing limit file fails the scrape, naming the file', async (t) => {
  const truncated = procTree(t, { ...LIMITS, '10/stat': '10 (app) S 1 10\n' });
  await assert.rejects(scrape(createCollector(processesCollector, { paths: truncated })), /10\/stat: expected "pid \(comm\) state …" with at least 20 fields/);
  const noLimits = procTree(t, { '10/stat': stat(10, 'app', 'S', 1) });
  await assert.rejects(scrape(createCollector(processesCollector, { paths: noLimits })), /ENOENT.*threads-max/);
});

test('parseProcStat: the command may hold spaces and parentheses', () => {
  assert.deepEqual(parseProcStat(stat(5, 'a) (b c)', 'D', 7), '/proc/5/stat'), { state: 'D', numThreads: 7 });
  assert.throws(() => parseProcStat(stat(5, 'x', 'S', 1).replace(' 1 0 100', ' many 0 100'), '/proc/5/stat'), /\/proc\/5\/stat, num_threads: expected a number, got "many"/);
});
