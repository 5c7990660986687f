/**
 * The prober's config file (blackbox.yml's format plus our own sections): parsed strictly, every
 * error naming file, line and key path. Top-level keys are a table of section readers; a new
 * section is one line in SECTIONS, its type follows.
 */
import { readFile } from 'node:fs/promises';
import { dirname, basename } from 'node:path';
import type { Module } from './module.js';
import { defaultModule, readModules } from './config/modules.js';
import { ConfigError, fields, parseYAML, type ConfigNode } from '../common/config-walk.js';
import { checkSchedulerModules, readScheduler } from './scheduler/config-section.js';

/** Each top-level key and its reader; a reader gets an absent node when the key is missing. */
const SECTIONS = {
  modules: readModules,
  scheduler: readScheduler,
} satisfies Record<string, (node: ConfigNode) => unknown>;

export type Config = { readonly [K in keyof typeof SECTIONS]: ReturnType<(typeof SECTIONS)[K]> };

export interface ParseOptions {
  /** Directory that relative `*_file` paths are read from (default: the current directory). */
  baseDir?: string;
}

/** Parses config text; `sourceName` is how errors name the file. Throws ConfigError. */
export function parseConfig(text: string, sourceName: string, options: ParseOptions = {}): Config {
  const root = parseYAML(text, sourceName, options.baseDir ?? process.cwd());
  // As blackbox: a file without a YAML document is an error, not a config without modules.
  if (!root.present) throw new ConfigError(sourceName, undefined, '', 'error parsing config file: EOF (the file is empty or holds only comments)');
  const found = fields(root, Object.keys(SECTIONS));
  const config: Record<string, unknown> = {};
  for (const [key, read] of Object.entries(SECTIONS)) {
    config[key] = read(found.get(key) ?? root.child(key, undefined));
  }
  checkSchedulerModules(config.scheduler as Config['scheduler'], config.modules as Config['modules']);
  return Object.freeze(config) as Config;
}

/** Reads and parses a config file; relative `*_file` paths are taken from the file's directory. */
export async function loadConfig(path: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(basename(path), undefined, '', `cannot read config file ${JSON.stringify(path)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseConfig(text, path, { baseDir: dirname(path) });
}

/**
 * The modules used when no config file is given: blackbox's usual names. `dns` asks the target
 * server for the root zone's NS records (`.`), which every recursive resolver answers from its
 * root hints, so it checks "this resolver answers" without depending on any domain.
 */
export function defaultConfig(): Config {
  builtIn ??= buildDefaultConfig();
  return builtIn;
}

let builtIn: Config | undefined;

function buildDefaultConfig(): Config {
  const dns = defaultModule('dns', 5);
  dns.dns = { ...dns.dns, query_name: '.', query_type: 'NS' };
  const modules = new Map<string, Module>([
    ['http_2xx', defaultModule('http', 5)],
    ['tcp_connect', defaultModule('tcp', 5)],
    ['dns', dns],
    ['icmp', defaultModule('icmp', 5)],
  ]);
  const parsed = parseConfig('{}', '(defaults)'); // no sections given: every reader sees an absent key
  return Object.freeze({ ...parsed, modules });
}
