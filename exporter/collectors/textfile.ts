/**
 * Merges the `*.prom` files of `--collector.textfile.directory` (node_exporter textfile.go). Files
 * are streamed line by line within a byte budget per scrape; a bad or oversized file is skipped
 * and sets scrape_error, the others are kept.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Logger } from '../../common/logging.js';
import { describeMetric, MetricFamilies } from '../../common/metrics.js';
import { TextFormatParser, type TextFamily, type TextFamilyType, type TextSample } from '../formats/prometheus-text.js';
import { integerFlag, optionalStringFlag } from '../../common/flags.js';
import { collectorFlag, defineCollector, type MetricSink } from '../types.js';

const mtimeDesc = describeMetric('node_textfile_mtime_seconds', 'Unixtime mtime of textfiles successfully read.', 'gauge', ['file']);
const scrapeErrorDesc = describeMetric(
  'node_textfile_scrape_error',
  '1 if there was an error opening or reading a file, 0 otherwise',
  'gauge',
);

/** What the exporter reports about itself and its collectors: a textfile may not replace or add to these. */
const OWN_FAMILY_PREFIXES = ['process_', 'promhttp_', 'node_scrape_collector_', 'node_textfile_'] as const;

const CHUNK_BYTES = 64 * 1024;
export const DEFAULT_TEXTFILE_MAX_BYTES = 4 * 1024 * 1024;

interface MergedFamily {
  help: string;
  type: TextFamilyType;
  labelNames: string[];
  samples: TextSample[];
  /** Canonical label sets already present, to reject a series given twice. */
  series: Set<string>;
}

/** The canonical label set of a sample: an empty label value means the label is absent. */
function seriesKey({ labelNames, labelValues }: TextSample): string {
  const simple = labelValues.every((value, i) => value !== '' && (i === 0 || (labelNames[i - 1] as string) < (labelNames[i] as string)));
  if (simple) return labelNames.join(',') + JSON.stringify(labelValues);
  const pairs = labelNames.map((name, i) => [name, labelValues[i] as string] as const).filter(([, value]) => value !== '');
  pairs.sort(([a], [b]) => (a < b ? -1 : 1));
  return pairs.map(([name]) => name).join(',') + JSON.stringify(pairs.map(([, value]) => value));
}

/** Checks the whole file against what is merged so far before adding any of it, so a bad file adds nothing. */
function merge(merged: Map<string, MergedFamily>, families: TextFamily[], path: string): void {
  const additions: { family: TextFamily; keys: string[] }[] = [];
  for (const family of families) {
    const existing = merged.get(family.name);
    if (existing !== undefined && existing.type !== family.type) {
      throw new Error(`${path}: ${family.name} is ${family.type} here but ${existing.type} in an earlier file`);
    }
    const keys: string[] = [];
    const local = new Set<string>();
    for (const sample of family.samples) {
      const key = seriesKey(sample);
      if (local.has(key) || existing?.series.has(key) === true) throw new Error(`${path}: ${family.name}{${key}} is given twice`);
      local.add(key);
      keys.push(key);
    }
    additions.push({ family, keys });
  }
  for (const { family, keys } of additions) {
    let target = merged.get(family.name);
    if (target === undefined) {
      target = { help: family.help || `Metric read from ${path}`, type: family.type, labelNames: [], samples: [], series: new Set() };
      merged.set(family.name, target);
    }
    let lastNames: string[] | undefined;
    for (const sample of family.samples) {
      if (sample.labelNames !== lastNames) {
        for (const name of sample.labelNames) if (!target.labelNames.includes(name)) target.labelNames.push(name);
        lastNames = sample.labelNames;
      }
      target.samples.push(sample);
    }
    for (const key of keys) target.series.add(key);
  }
}

/** A plain `MetricSink` takes single values only: histograms and summaries need a `MetricFamilies` (as the scraper passes). */
function addMerged(sink: MetricSink, merged: Map<string, MergedFamily>): void {
  for (const [name, family] of merged) {
    // Samples of one family may carry different label names: all share the union, missing ones empty.
    const desc = describeMetric(name, family.help, family.type, family.labelNames);
    const union = family.labelNames.join(',');
    for (const sample of family.samples) {
      const values =
        sample.labelNames.join(',') === union ? sample.labelValues : family.labelNames.map((label) => sample.labelValues[sample.labelNames.indexOf(label)] ?? '');
      const { distribution } = sample;
      if (distribution === undefined) sink.add(desc, sample.value, values);
      else if (!(sink instanceof MetricFamilies)) continue;
      else if (family.type === 'histogram') {
        const { points, sum, count } = distribution;
        sink.addHistogram(desc, { upperBounds: points.map(([le]) => le), cumulativeCounts: points.map(([, n]) => n), sum, count }, values);
      } else {
        const { points, sum, count } = distribution;
        sink.addSummary(desc, { quantiles: points.map(([q]) => q), values: points.map(([, v]) => v), sum, count }, values);
      }
    }
  }
}

/**
 * Parses one file as a stream of lines, reading at most `budget` bytes; yields to the event loop
 * between chunks. Invalid UTF-8 anywhere is an error, as in node_exporter.
 */
async function parseFile(path: string, budget: number, signal: AbortSignal): Promise<{ families: TextFamily[]; bytes: number }> {
  const parser = new TextFormatParser(path);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES, end: budget });
  let bytes = 0;
  let partial = '';
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      signal.throwIfAborted();
      bytes += chunk.length;
      if (bytes > budget) throw new Error(`${path}: over the textfile byte limit for this scrape (${budget} bytes left)`);
      let text: string;
      try {
        text = partial + decoder.decode(chunk, { stream: true });
      } catch (error) {
        throw new Error(`${path}: invalid UTF-8`, { cause: error });
      }
      const lines = text.split('\n');
      partial = lines.pop() as string;
      for (const line of lines) parser.line(line);
      await yieldToLoop();
    }
    try {
      partial += decoder.decode();
    } catch (error) {
      throw new Error(`${path}: invalid UTF-8`, { cause: error });
    }
    parser.line(partial);
    return { families: parser.finish(), bytes };
  } finally {
    stream.destroy();
  }
}

/** The families a file may add: the exporter's own are dropped (the built-in wins), each logged. */
function withoutOwnFamilies(families: TextFamily[], path: string, logger: Logger): { kept: TextFamily[]; dropped: boolean } {
  const kept = families.filter((family) => !OWN_FAMILY_PREFIXES.some((prefix) => family.name.startsWith(prefix)));
  for (const family of families) {
    if (!kept.includes(family)) logger.error({ file: path, family: family.name }, 'textfile family clashes with one the exporter reports about itself; dropped');
  }
  return { kept, dropped: kept.length !== families.length };
}

async function collect(sink: MetricSink, directory: string, maxBytes: number, logger: Logger, signal: AbortSignal): Promise<void> {
  let failed = false;
  let names: string[] = [];
  try {
    names = (await readdir(directory)).filter((name) => name.endsWith('.prom')).sort();
  } catch (error) {
    logger.error({ err: error, directory }, 'failed to read textfile collector directory');
    failed = true;
  }
  const merged = new Map<string, MergedFamily>();
  let bytesLeft = maxBytes;
  for (const name of names) {
    const path = join(directory, name);
    try {
      const info = await stat(path);
      if (!info.isFile()) {
        logger.warn({ file: name }, 'not a regular file; skipped');
        continue;
      }
      if (info.size > bytesLeft) throw new Error(`${path}: ${info.size} bytes, over the textfile byte limit for this scrape (${bytesLeft} bytes left)`);
      const { families, bytes } = await parseFile(path, bytesLeft, signal);
      const { kept, dropped } = withoutOwnFamilies(families, path, logger);
      merge(merged, kept, path);
      bytesLeft -= bytes;
      failed ||= dropped;
      sink.add(mtimeDesc, Math.floor(info.mtimeMs / 1000), [path]);
    } catch (error) {
      if (signal.aborted) throw error;
      logger.error({ err: error instanceof Error ? error.message : String(error), file: name }, 'failed to collect textfile data');
      failed = true;
    }
  }
  addMerged(sink, merged);
  sink.add(scrapeErrorDesc, failed ? 1 : 0);
}

export const textfileCollector = defineCollector({
  name: 'textfile',
  defaultEnabled: true,
  description: 'Metrics from the *.prom files in --collector.textfile.directory.',
  foreignFamilies: true,
  flags: {
    directory: collectorFlag('collector.textfile.directory', optionalStringFlag('Directory to read text files with metrics from.', '<dir>')),
    maxBytes: collectorFlag(
      'collector.textfile.max-bytes',
      integerFlag('Most bytes of textfiles read in one scrape; a file that would go over it is skipped and sets node_textfile_scrape_error.', DEFAULT_TEXTFILE_MAX_BYTES, { min: 0 }),
    ),
  },
  create: ({ options, logger }) => ({
    async update(sink, signal) {
      const { directory, maxBytes } = options;
      if (directory === undefined || directory === '') {
        sink.add(scrapeErrorDesc, 0);
        return;
      }
      await collect(sink, directory, maxBytes, logger, signal);
    },
  }),
});

