/**
 * Targets of the scheduler: inline lists plus Prometheus file_sd files (JSON or YAML, globs in the
 * file name), re-read when they change (chokidar, with a periodic re-read as a fallback) and on
 * reload. A file that fails to parse keeps its last good content; the error names file and line.
 * A target /probe would refuse (a port outside 1–65535, a malformed address) is dropped with a log
 * line naming file, line and target; the rest of its file is kept.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import picomatch from 'picomatch';
import { isMap, isScalar, isSeq } from 'yaml';
import { ConfigError, entries, list, parseYAML, type ConfigNode } from '../../common/config-walk.js';
import type { Logger } from '../../common/logging.js';
import { NotRegularFileError, readRegularFile } from '../../common/regular-file.js';
import { logValue } from '../log-value.js';
import { parseTarget } from '../net/host-port.js';
import { RESERVED_LABELS, type SchedulerConfig, type SchedulerGroup } from './config-section.js';

/** One target to check, with every label its series carry apart from target/module/location. */
export interface TargetSpec {
  group: SchedulerGroup;
  target: string;
  labels: Readonly<Record<string, string>>;
}

/** One entry of a file_sd file. */
export interface FileTargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/** A file_sd target left out because it cannot be probed as written. */
export interface RejectedTarget {
  target: string;
  line: number | undefined;
  reason: string;
}

/** What one file_sd file lists: its target groups, and the targets dropped from them. */
export interface FileSdContent {
  groups: FileTargetGroup[];
  rejected: RejectedTarget[];
}

export class FileSdError extends Error {
  constructor(readonly file: string, readonly line: number | undefined, message: string) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${message}`);
    this.name = 'FileSdError';
  }
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const FILE_SD_EXTENSIONS = ['.json', '.yml', '.yaml'];
/** A file_sd file is small; a read that takes longer is on a hung mount. */
const FILE_SD_READ_TIMEOUT_MS = 5000;
/** ~2 million targets, far past what one prober checks: a larger file is a mistake, not read (its last good targets are kept). */
const FILE_SD_MAX_BYTES = 64 * 1024 * 1024;

/** Parses one file_sd file's text (Prometheus format: a list of {targets, labels}). */
export function parseFileSd(text: string, file: string): FileSdContent {
  const plain = readPlainJson(text);
  if (plain !== undefined) return { groups: plain, rejected: [] };
  const rejected: RejectedTarget[] = [];
  try {
    return { groups: readTargetGroups(parseYAML(text, file, dirname(file)), rejected), rejected };
  } catch (error) {
    if (error instanceof ConfigError) throw new FileSdError(file, error.line, error.detail);
    throw error;
  }
}

/**
 * The groups of a file that is JSON with nothing to report: every group {targets, labels?}, every
 * target one /probe takes, every label valid. Read so, a list of 50,000 targets takes a fifth of the
 * YAML walker's time and a quarter of its memory (there 1.4 s, ~94 MiB). Anything else is undefined, and goes
 * through the walker, which names the line of each mistake and rejected target.
 */
function readPlainJson(text: string): FileTargetGroup[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  const groups: FileTargetGroup[] = [];
  for (const item of value as unknown[]) {
    if (!isPlainObject(item) || !Array.isArray(item.targets) || Object.keys(item).some((key) => key !== 'targets' && key !== 'labels')) return undefined;
    const group: FileTargetGroup = { targets: [], labels: {} };
    for (const target of item.targets as unknown[]) {
      if (typeof target !== 'string' || target === '' || !probeable(target)) return undefined;
      group.targets.push(target);
    }
    if (item.labels !== undefined) {
      if (!isPlainObject(item.labels)) return undefined;
      for (const [name, labelValue] of Object.entries(item.labels)) {
        if (labelProblem(name, labelValue) !== undefined) return undefined;
        keepLabel(group.labels, name, labelValue as string);
      }
    }
    groups.push(group);
  }
  return groups;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function probeable(target: string): boolean {
  try {
    parseTarget(target);
    return true;
  } catch {
    return false;
  }
}

function readTargetGroups(root: ConfigNode, rejected: RejectedTarget[]): FileTargetGroup[] {
  if (!root.present) return [];
  if (!isSeq(root.node)) root.fail('must be a list of target groups ({targets: [...], labels: {...}})');
  return list(root).map((item, index) => readTargetGroup(item, `entry ${index}`, rejected));
}

function readTargetGroup(node: ConfigNode, entry: string, rejected: RejectedTarget[]): FileTargetGroup {
  if (!isMap(node.node)) node.fail(`${entry} must be a mapping with "targets" and optional "labels"`);
  const group: FileTargetGroup = { targets: [], labels: {} };
  let sawTargets = false;
  for (const [key, value] of entries(node)) {
    if (key === 'targets') {
      sawTargets = true;
      if (!isSeq(value.node)) value.fail(`${entry}: "targets" must be a list of strings`);
      for (const target of list(value)) {
        const text = isScalar(target.node) ? target.node.value : undefined;
        if (typeof text !== 'string' || text === '') return target.fail(`${entry}: each target must be a non-empty string`);
        try {
          parseTarget(text);
          group.targets.push(text);
        } catch (error) {
          rejected.push({ target: text, line: target.line, reason: (error as Error).message });
        }
      }
    } else if (key === 'labels') {
      if (value.present && !isMap(value.node)) value.fail(`${entry}: "labels" must be a mapping`);
      for (const [name, labelNode] of entries(value)) readLabel(group.labels, name, labelNode, entry);
    } else {
      value.fail(`${entry}: unknown key ${JSON.stringify(key)} (allowed: targets, labels)`);
    }
  }
  if (!sawTargets) node.fail(`${entry}: "targets" is missing`);
  return group;
}

function readLabel(labels: Record<string, string>, name: string, node: ConfigNode, entry: string): void {
  const value = isScalar(node.node) ? node.node.value : undefined;
  const problem = labelProblem(name, value);
  if (problem !== undefined) node.fail(`${entry}: ${problem}`);
  keepLabel(labels, name, value as string);
}

function labelProblem(name: string, value: unknown): string | undefined {
  if (!LABEL_NAME.test(name)) return `invalid label name ${JSON.stringify(name)}`;
  if (typeof value !== 'string') return `label ${name} must have a string value`;
  if (RESERVED_LABELS.has(name)) return `label ${JSON.stringify(name)} is set by the scheduler`;
  return undefined;
}

/** Prometheus semantics: "__"-prefixed labels are internal and an empty value means no label. */
function keepLabel(labels: Record<string, string>, name: string, value: string): void {
  if (name.startsWith('__') || value === '') return;
  labels[name] = value;
}

/** Files matching an absolute pattern whose wildcards are in the file name only (dot files included, as Go's filepath.Glob). */
async function expandGlob(pattern: string): Promise<string[]> {
  const dir = dirname(pattern);
  const name = basename(pattern);
  if (!picomatch.scan(name).isGlob) return [pattern];
  const matches = picomatch(name, { dot: true });
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries.filter((entry) => matches(entry)).sort().map((entry) => `${dir}/${entry}`);
}

interface CachedFile {
  signature: string;
  groups: FileTargetGroup[];
}

export interface TargetSourceOptions {
  logger: Logger;
  /** Called after a re-read changed the content of any file (or the set of files). */
  onChange: () => void;
}

/**
 * Keeps the current content of every file_sd file of a config. `targets()` merges them with the
 * inline targets; `refresh()` re-reads what changed.
 */
export class TargetSource {
  private config: SchedulerConfig | undefined;
  private readonly files = new Map<string, CachedFile>();
  /** pattern → files it matched at the last refresh */
  private readonly matches = new Map<string, string[]>();
  private watcher: FSWatcher | undefined;
  private readonly watched = new Set<string>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private again = false;

  constructor(private readonly options: TargetSourceOptions) {}

  /** Takes a (new) config: re-reads its files and watches their directories. */
  async setConfig(config: SchedulerConfig): Promise<void> {
    this.config = config;
    this.rewatch();
    clearInterval(this.refreshTimer);
    this.refreshTimer = setInterval(() => void this.refresh(), config.file_sd_refresh_interval * 1000);
    this.refreshTimer.unref();
    await this.refresh({ notify: false });
  }

  /** Re-reads changed files; concurrent calls share one pass (and ask for one more after it). */
  async refresh({ notify = true }: { notify?: boolean } = {}): Promise<void> {
    if (this.refreshing !== undefined) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        const changed = await this.readAll();
        if (changed && notify) this.options.onChange();
      } while (this.again);
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Every target of the config: inline ones first, then each file's, in file name order. */
  targets(): TargetSpec[] {
    const specs: TargetSpec[] = [];
    for (const group of this.config?.groups ?? []) {
      for (const target of group.targets) specs.push({ group, target, labels: group.labels });
      for (const pattern of group.file_sd) {
        for (const file of this.matches.get(pattern) ?? []) {
          for (const fileGroup of this.files.get(file)?.groups ?? []) {
            const labels = { ...group.labels, ...fileGroup.labels };
            for (const target of fileGroup.targets) specs.push({ group, target, labels });
          }
        }
      }
    }
    return specs;
  }

  close(): void {
    clearInterval(this.refreshTimer);
    clearTimeout(this.debounce);
    void this.watcher?.close();
    this.watcher = undefined;
    this.watched.clear();
  }

  private patterns(): string[] {
    return [...new Set(this.config?.groups.flatMap((group) => group.file_sd) ?? [])];
  }

  private rewatch(): void {
    const dirs = new Set(this.patterns().map((pattern) => dirname(pattern)));
    if (this.watcher === undefined) {
      if (dirs.size === 0) return;
      this.watcher = watch([], { persistent: false, ignoreInitial: true, depth: 0 });
      this.watcher.on('all', () => this.scheduleRefresh());
      this.watcher.on('error', (error) => this.options.logger.warn({ err: error }, 'file_sd watch failed; relying on periodic re-reads'));
    }
    for (const dir of this.watched) {
      if (!dirs.has(dir)) {
        this.watcher.unwatch(dir);
        this.watched.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (this.watched.has(dir)) continue;
      this.watcher.add(dir);
      this.watched.add(dir);
    }
  }

  /** Editors write a file in several steps: wait for the burst of events to end. */
  private scheduleRefresh(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.refresh(), 50);
    this.debounce.unref();
  }

  private async readAll(): Promise<boolean> {
    let changed = false;
    const seen = new Set<string>();
    for (const pattern of this.patterns()) {
      const files = (await expandGlob(pattern)).filter((file) => {
        if (FILE_SD_EXTENSIONS.some((extension) => file.endsWith(extension))) return true;
        this.options.logger.warn({ file }, 'file_sd files must end in .json, .yml or .yaml; ignored');
        return false;
      });
      const before = this.matches.get(pattern);
      if (before === undefined || before.join('\n') !== files.join('\n')) changed = true;
      this.matches.set(pattern, files);
      for (const file of files) {
        seen.add(file);
        if (await this.readFile(file)) changed = true;
      }
    }
    for (const file of this.files.keys()) {
      if (!seen.has(file)) {
        this.files.delete(file);
        changed = true;
      }
    }
    return changed;
  }

  /** Reads one file if its size or mtime moved; true when its targets changed. */
  private async readFile(file: string): Promise<boolean> {
    const cached = this.files.get(file);
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new NotRegularFileError(file);
      const signature = `${info.ino}:${info.size}:${info.mtimeMs}`;
      if (cached?.signature === signature) return false;
      const { groups, rejected } = parseFileSd((await readRegularFile(file, { timeoutMs: FILE_SD_READ_TIMEOUT_MS, maxBytes: FILE_SD_MAX_BYTES })).text, file);
      for (const { target, line, reason } of rejected) {
        this.options.logger.warn({ file, line, target: logValue(target), reason: logValue(reason) }, 'file_sd target cannot be probed; skipped (the rest of the file is kept)');
      }
      this.files.set(file, { signature, groups });
      return cached === undefined || JSON.stringify(cached.groups) !== JSON.stringify(groups);
    } catch (error) {
      // A file that is gone (not one that is broken) takes its targets with it, as in Prometheus.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.files.delete(file);
      // A FIFO, socket or device would block or never end: never read, and it lists no targets.
      if (error instanceof NotRegularFileError) {
        this.options.logger.warn({ file }, 'file_sd path is not a regular file (a FIFO, socket, device or directory); skipped');
        return this.files.delete(file);
      }
      const kept = cached === undefined ? 'no targets from it yet' : 'keeping its last good targets';
      this.options.logger.error({ file, err: error }, `cannot use file_sd file (${kept})`);
      return false;
    }
  }
}
