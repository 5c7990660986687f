/** Merges the `*.prom` files of `--collector.textfile.directory` (node_exporter textfile.go); a bad file is skipped and sets scrape_error. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../common/logging.js';
import { describeMetric } from '../../common/metrics.js';
import { readTextFile } from '../procfs/read.js';
import { parseTextFormat, type TextFamily, type TextFamilyType } from '../formats/prometheus-text.js';
import { optionalStringFlag } from '../../common/flags.js';
import { collectorFlag, defineCollector, type MetricSink } from '../types.js';

const mtimeDesc = describeMetric('node_textfile_mtime_seconds', 'Unixtime mtime of textfiles successfully read.', 'gauge', ['file']);
const scrapeErrorDesc = describeMetric(
  'node_textfile_scrape_error',
  '1 if there was an error opening or reading a file, 0 otherwise',
  'gauge',
);
const TEXTFILE_READ_LIMIT = 64 * 1024 * 1024;

interface MergedFamily {
  help: string;
  type: TextFamilyType;
  labelNames: string[];
  samples: { labels: Map<string, string>; value: number }[];
  /** Canonical label sets already present, to reject a series given twice. */
  series: Set<string>;
}

function seriesKey(labels: Map<string, string>): string {
  return [...labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(',');
}

/** Checks the whole file against what is merged so far before adding any of it, so a bad file adds nothing. */
function merge(merged: Map<string, MergedFamily>, families: TextFamily[], path: string): void {
  const additions: { family: TextFamily; keys: string[]; labels: Map<string, string>[] }[] = [];
  for (const family of families) {
    const existing = merged.get(family.name);
    if (existing !== undefined && existing.type !== family.type) {
      throw new Error(`${path}: ${family.name} is ${family.type} here but ${existing.type} in an earlier file`);
    }
    const keys: string[] = [];
    const labels: Map<string, string>[] = [];
    const local = new Set<string>();
    for (const sample of family.samples) {
      const map = new Map<string, string>();
      sample.labelNames.forEach((name, i) => {
        // An empty label value means the label is absent.
        if (sample.labelValues[i] !== '') map.set(name, sample.labelValues[i] as string);
      });
      const key = seriesKey(map);
      if (local.has(key) || existing?.series.has(key) === true) throw new Error(`${path}: ${family.name}{${key}} is given twice`);
      local.add(key);
      keys.push(key);
      labels.push(map);
    }
    additions.push({ family, keys, labels });
  }
  for (const { family, keys, labels } of additions) {
    let target = merged.get(family.name);
    if (target === undefined) {
      target = { help: family.help || `Metric read from ${path}`, type: family.type, labelNames: [], samples: [], series: new Set() };
      merged.set(family.name, target);
    }
    for (let i = 0; i < keys.length; i++) {
      const map = labels[i] as Map<string, string>;
      for (const name of map.keys()) if (!target.labelNames.includes(name)) target.labelNames.push(name);
      target.samples.push({ labels: map, value: family.samples[i]?.value as number });
      target.series.add(keys[i] as string);
    }
  }
}

function addMerged(sink: MetricSink, merged: Map<string, MergedFamily>): void {
  for (const [name, family] of merged) {
    // Samples of one family may carry different label names: all share the union, missing ones empty.
    const desc = describeMetric(name, family.help, family.type, family.labelNames);
    for (const sample of family.samples) {
      sink.add(desc, sample.value, family.labelNames.map((label) => sample.labels.get(label) ?? ''));
    }
  }
}

async function collect(sink: MetricSink, directory: string, logger: Logger): Promise<void> {
  let failed = false;
  let names: string[] = [];
  try {
    names = (await readdir(directory)).filter((name) => name.endsWith('.prom')).sort();
  } catch (error) {
    logger.error({ err: error, directory }, 'failed to read textfile collector directory');
    failed = true;
  }
  const merged = new Map<string, MergedFamily>();
  for (const name of names) {
    const path = join(directory, name);
    try {
      const info = await stat(path);
      if (!info.isFile()) continue;
      merge(merged, parseTextFormat(await readTextFile(path, TEXTFILE_READ_LIMIT), path), path);
      sink.add(mtimeDesc, Math.floor(info.mtimeMs / 1000), [path]);
    } catch (error) {
      logger.error({ err: error, file: name }, 'failed to collect textfile data');
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
  flags: {
    directory: collectorFlag('collector.textfile.directory', optionalStringFlag('Directory to read text files with metrics from.', '<dir>')),
  },
  create: ({ options, logger }) => ({
    async update(sink) {
      const { directory } = options;
      if (directory === undefined || directory === '') {
        sink.add(scrapeErrorDesc, 0);
        return;
      }
      await collect(sink, directory, logger);
    },
  }),
});
