/**
 * `node --import tsx bench/regex.ts`: V8's backtracking RegExp against the RE2 engine of
 * common/regex.ts on bodies a probe may receive. Prints, per pattern and body, the median time of
 * a match on the calling thread (V8, RE2) and the time `testEach` takes from the caller's view
 * (a worker thread above the inline limit), and how many event-loop turns happened meanwhile.
 * V8 only runs on the smaller bodies: its time grows with the square of the body for two of these patterns.
 */
import { closeRegexWorkers, compileRegex, testEach } from '../common/regex.js';
import { markdownTable } from './lib/report.js';
import { median, ratio } from './lib/stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const V8_MAX_BYTES = 100_000;

function timeMs(fn: () => unknown): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

function medianOf(fn: () => unknown): number {
  fn();
  return median(Array.from({ length: RUNS }, () => timeMs(fn)));
}

/** Event-loop turns while `work` runs: 0 means the loop was blocked all along. */
async function turnsDuring(work: () => Promise<unknown>): Promise<{ ms: number; turns: number }> {
  let turns = 0;
  let counting = true;
  const turn = (): void => {
    turns++;
    if (counting) setImmediate(turn);
  };
  setImmediate(turn);
  const started = performance.now();
  await work();
  counting = false;
  return { ms: performance.now() - started, turns };
}

async function main(): Promise<void> {
  const cases: Array<[string, string]> = [
    ['Copyright.*2024', 'Copyright '],
    ['(?i)copyright\\s+\\d+', 'Copyright notice '],
    ['\\s+$', ' '],
    ['<title>[^<]*</title>', '<p>text</p>'],
  ];
  const rows: string[][] = [];
  for (const [pattern, unit] of cases) {
    for (const bytes of [40_000, 400_000, 4_000_000]) {
      // Ends in a character no pattern accepts there, so every match is a full search that fails.
      const body = `${unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes - 1)}.`;
      const buffer = Buffer.from(body);
      const re2 = compileRegex(pattern);
      const v8 = new RegExp(pattern.replace('(?i)', ''), pattern.startsWith('(?i)') ? 'i' : '');
      const v8Ms = bytes <= V8_MAX_BYTES ? timeMs(() => v8.test(body)) : NaN;
      const re2Ms = medianOf(() => re2.test(buffer));
      await testEach([re2], buffer);
      const worker = await turnsDuring(() => testEach([re2], buffer));
      rows.push([
        `\`${pattern}\``,
        `${bytes / 1000} KB`,
        Number.isNaN(v8Ms) ? '(not run)' : v8Ms.toFixed(1),
        re2Ms.toFixed(2),
        Number.isNaN(v8Ms) ? '' : ratio(v8Ms, re2Ms),
        worker.ms.toFixed(1),
        String(worker.turns),
      ]);
    }
  }
  console.log(markdownTable(['pattern', 'body', 'V8 ms (one run)', 'RE2 ms (median, inline)', 'V8 / RE2', 'testEach ms (worker)', 'event-loop turns meanwhile'], rows));
  await closeRegexWorkers();
}

await main();
