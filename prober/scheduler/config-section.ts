/**
 * The `scheduler:` section of the prober config: target groups the prober checks by itself.
 * Read with the config's strict walker, so errors name file, line and key like every other section.
 */
import { isAbsolute, join } from 'node:path';
import { ConfigError, type ConfigNode, durationSeconds, entries, field, fields, type Fields, integer, list, string } from '../../common/config-walk.js';
import { parseTarget } from '../net/host-port.js';
import { MAX_SHARDS, type Shard } from './shard.js';

export interface SchedulerGroup {
  name: string;
  module: string;
  /** Seconds between the starts of two checks of one target. */
  interval: number;
  /** Seconds one probe attempt may take. */
  timeout: number;
  /** Extra probe attempts before a failing check counts as failed. */
  retries: number;
  /** Seconds between a failed attempt and its retry. */
  retry_interval: number;
  /** Added to every series of the group's targets (file_sd labels override them). */
  labels: Record<string, string>;
  targets: string[];
  /** Absolute glob patterns (wildcards in the file name only, as in Prometheus). */
  file_sd: string[];
}

export interface SchedulerConfig {
  location?: string;
  /** This prober's share of the targets (the `--scheduler.shard` flag wins over it). */
  shard?: Shard;
  max_concurrent_checks: number;
  /** Seconds between re-reads of file_sd files even when no change event came. */
  file_sd_refresh_interval: number;
  groups: SchedulerGroup[];
}

export const DEFAULTS = {
  max_concurrent_checks: 512,
  file_sd_refresh_interval: 300,
  interval: 60,
  timeout: 10,
  retries: 1,
  retry_interval: 5,
} as const;

/** Labels the scheduler sets itself; neither a group nor a file_sd entry may set them. */
export const RESERVED_LABELS: ReadonlySet<string> = new Set(['target', 'module', 'location', 'result', 'state', 'le']);
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Where each group's `module` key is, to name it if the module turns out not to exist. */
const moduleKeys = new WeakMap<SchedulerGroup, { source: string; line: number | undefined; path: string }>();

function nonEmpty(node: ConfigNode): string {
  const text = string(node);
  if (text === '') node.fail('must not be empty');
  return text;
}

/** A target as /probe would take it (a port 1–65535, a well-formed address). */
function probeTarget(node: ConfigNode): string {
  const target = nonEmpty(node);
  try {
    parseTarget(target);
  } catch (error) {
    node.fail((error as Error).message);
  }
  return target;
}

function positiveDuration(node: ConfigNode): number {
  const seconds = durationSeconds(node);
  if (seconds <= 0) node.fail(`must be longer than 0, got ${node.shown()}`);
  return seconds;
}

function readLabels(node: ConfigNode): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [name, value] of entries(node)) {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) value.fail(`invalid label name ${JSON.stringify(name)}`);
    if (RESERVED_LABELS.has(name)) value.fail(`label ${JSON.stringify(name)} is set by the scheduler`);
    labels[name] = nonEmpty(value);
  }
  return labels;
}

function readFileSdPattern(node: ConfigNode): string {
  const pattern = nonEmpty(node);
  const absolute = isAbsolute(pattern) ? pattern : join(node.file.baseDir, pattern);
  if (/[*?[]/.test(absolute.slice(0, absolute.lastIndexOf('/')))) node.fail('wildcards are allowed in the file name only');
  return absolute;
}

function requiredField(node: ConfigNode, found: Fields, key: string): ConfigNode {
  const value = found.get(key);
  if (value === undefined || !value.present) return node.fail(`${key} is required`);
  return value;
}

const GROUP_KEYS = ['name', 'module', 'interval', 'timeout', 'retries', 'retry_interval', 'labels', 'targets', 'file_sd'];

function readGroup(node: ConfigNode): SchedulerGroup {
  const found = fields(node, GROUP_KEYS);
  const required = (key: string): ConfigNode => requiredField(node, found, key);
  const moduleNode = required('module');
  const interval = field(found, 'interval', positiveDuration, DEFAULTS.interval);
  const timeout = field(found, 'timeout', positiveDuration, Math.min(DEFAULTS.timeout, interval));
  if (timeout > interval) found.get('timeout')!.fail(`must not be longer than the interval (${interval}s)`);
  const group: SchedulerGroup = {
    name: nonEmpty(required('name')),
    module: nonEmpty(moduleNode),
    interval,
    timeout,
    retries: field(found, 'retries', (value) => integer(value, 0, 100), DEFAULTS.retries),
    retry_interval: field(found, 'retry_interval', positiveDuration, Math.min(DEFAULTS.retry_interval, interval)),
    labels: field(found, 'labels', readLabels, {}),
    targets: field(found, 'targets', (value) => list(value, 'a list of targets').map(probeTarget), []),
    file_sd: field(found, 'file_sd', (value) => list(value, 'a list of file patterns').map(readFileSdPattern), []),
  };
  if (group.targets.length === 0 && group.file_sd.length === 0) node.fail('needs targets or file_sd');
  moduleKeys.set(group, { source: node.file.source, line: moduleNode.line, path: moduleNode.path });
  return group;
}

function readShard(node: ConfigNode): Shard {
  const found = fields(node, ['index', 'count']);
  const count = integer(requiredField(node, found, 'count'), 1, MAX_SHARDS);
  return { index: integer(requiredField(node, found, 'index'), 0, count - 1), count };
}

const SECTION_KEYS = ['location', 'shard', 'max_concurrent_checks', 'file_sd_refresh_interval', 'groups'];

/** Reads the `scheduler:` key; undefined when the config has none. */
export function readScheduler(node: ConfigNode): SchedulerConfig | undefined {
  if (!node.present) return undefined;
  const found = fields(node, SECTION_KEYS);
  const maxConcurrentChecks = field(found, 'max_concurrent_checks', (value) => integer(value, 1, 100_000), DEFAULTS.max_concurrent_checks);
  const refreshInterval = field(found, 'file_sd_refresh_interval', positiveDuration, DEFAULTS.file_sd_refresh_interval);
  const groupsNode = found.get('groups');
  const groups = groupsNode === undefined ? [] : list(groupsNode, 'a list of target groups').map(readGroup);
  if (groups.length === 0) (groupsNode ?? node).fail('needs at least one target group under groups');
  const names = new Set<string>();
  groups.forEach((group, i) => {
    if (names.has(group.name)) list(groupsNode!)[i]!.fail(`duplicate group name ${JSON.stringify(group.name)}`);
    names.add(group.name);
  });
  const config: SchedulerConfig = { max_concurrent_checks: maxConcurrentChecks, file_sd_refresh_interval: refreshInterval, groups };
  const location = field(found, 'location', nonEmpty);
  if (location !== undefined) config.location = location;
  const shard = field(found, 'shard', readShard);
  if (shard !== undefined) config.shard = shard;
  return config;
}

/** Throws a ConfigError at the `module` key of the first group whose module is not defined. */
export function checkSchedulerModules(config: SchedulerConfig | undefined, modules: ReadonlyMap<string, unknown>): void {
  for (const group of config?.groups ?? []) {
    if (modules.has(group.module)) continue;
    const at = moduleKeys.get(group);
    throw new ConfigError(at?.source ?? '(config)', at?.line, at?.path ?? 'scheduler', `unknown module ${JSON.stringify(group.module)}`);
  }
}
