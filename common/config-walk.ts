/**
 * Strict walking of a parsed YAML document: every read names the file, line and key path when the
 * value is wrong, and every mapping rejects keys it does not know. Shared by every config section
 * (blackbox.yml modules, the scheduler, the web config file) so their errors read the same.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { parseDurationSeconds } from './duration.js';
import { compileRegex, RegexSyntaxError, type GoRegExp } from './regex.js';

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly line: number | undefined,
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${source}${line === undefined ? '' : `:${line}`}: ${path === '' ? '' : `${path}: `}${detail}`);
    this.name = 'ConfigError';
  }
}

export interface ConfigFile {
  /** How errors name the file (e.g. `blackbox.yml`). */
  source: string;
  lineCounter: LineCounter;
  /** Directory that relative `*_file` paths are read from. */
  baseDir: string;
}

/** A value in the document (or an absent one) with where it is. */
export class ConfigNode {
  constructor(
    readonly file: ConfigFile,
    /** undefined when the key is absent; a YAML null scalar when present but empty. */
    readonly node: Node | undefined,
    readonly path: string,
    /** Where to point when the node has no position (absent keys point at their parent). */
    readonly fallbackOffset?: number,
  ) {}

  get present(): boolean {
    return this.node !== undefined && !(isScalar(this.node) && this.node.value === null);
  }

  get line(): number | undefined {
    const offset = this.node?.range?.[0] ?? this.fallbackOffset;
    return offset === undefined ? undefined : this.file.lineCounter.linePos(offset).line;
  }

  fail(detail: string): never {
    throw new ConfigError(this.file.source, this.line, this.path, detail);
  }

  child(key: string, node: Node | undefined, fallbackOffset?: number): ConfigNode {
    return new ConfigNode(this.file, node, this.path === '' ? key : `${this.path}.${key}`, fallbackOffset ?? this.node?.range?.[0]);
  }

  /** The value as YAML shows it, for "got …" in messages. */
  shown(): string {
    if (this.node === undefined) return 'nothing';
    if (isScalar(this.node)) return typeof this.node.value === 'string' ? JSON.stringify(this.node.value) : String(this.node.value);
    return JSON.stringify(this.node.toJSON());
  }
}

/**
 * Parses YAML text strictly (duplicate keys are errors, the first syntax error is a ConfigError)
 * and returns its root node; `source` is how errors name the file.
 */
export function parseYAML(text: string, source: string, baseDir: string): ConfigNode {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxError = doc.errors[0];
  if (syntaxError !== undefined) {
    throw new ConfigError(source, lineCounter.linePos(syntaxError.pos[0]).line, '', `invalid YAML: ${syntaxError.message.split('\n')[0]!}`);
  }
  return new ConfigNode({ source, lineCounter, baseDir }, (doc.contents as Node | null) ?? undefined, '', 0);
}

export type Fields = Map<string, ConfigNode>;

function pairKey(pair: Pair, owner: ConfigNode): string {
  const key = pair.key;
  if (isScalar(key) && (typeof key.value === 'string' || typeof key.value === 'number')) return String(key.value);
  return owner.fail(`keys must be plain strings, got ${JSON.stringify((key as Node | null)?.toJSON?.() ?? key)}`);
}

/** Every key of a mapping, in order (an absent or empty node has none). */
export function entries(node: ConfigNode): [string, ConfigNode][] {
  if (!node.present) return [];
  if (!isMap(node.node)) return node.fail(`expected a mapping, got ${node.shown()}`);
  return node.node.items.map((pair) => {
    const key = pairKey(pair, node);
    return [key, node.child(key, (pair.value as Node | null) ?? undefined, (pair.key as Node).range?.[0])];
  });
}

/** The keys of a mapping, rejecting any not in `allowed`. */
export function fields(node: ConfigNode, allowed: readonly string[]): Fields {
  const found: Fields = new Map();
  for (const [key, value] of entries(node)) {
    if (!allowed.includes(key)) value.fail(`unknown key (expected one of: ${allowed.join(', ')})`);
    found.set(key, value);
  }
  return found;
}

/** Reads `key` with `read` when present, else returns `fallback`. */
export function field<T>(found: Fields, key: string, read: (node: ConfigNode) => T, fallback: T): T;
export function field<T>(found: Fields, key: string, read: (node: ConfigNode) => T): T | undefined;
export function field<T>(found: Fields, key: string, read: (node: ConfigNode) => T, fallback?: T): T | undefined {
  const node = found.get(key);
  return node === undefined || !node.present ? fallback : read(node);
}

export function string(node: ConfigNode): string {
  if (isScalar(node.node) && typeof node.node.value === 'string') return node.node.value;
  if (isScalar(node.node) && typeof node.node.value === 'number') return String(node.node.source ?? node.node.value);
  return node.fail(`expected a string, got ${node.shown()}`);
}

export function boolean(node: ConfigNode): boolean {
  if (isScalar(node.node) && typeof node.node.value === 'boolean') return node.node.value;
  return node.fail(`expected true or false, got ${node.shown()}`);
}

export function integer(node: ConfigNode, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const value = isScalar(node.node) ? node.node.value : undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) return node.fail(`expected an integer, got ${node.shown()}`);
  if (value < min || value > max) return node.fail(`expected an integer from ${min} to ${max}, got ${value}`);
  return value;
}

export function list(node: ConfigNode, what = 'a list'): ConfigNode[] {
  if (!node.present) return [];
  if (!isSeq(node.node)) return node.fail(`expected ${what}, got ${node.shown()}`);
  return node.node.items.map((item, i) => node.child(String(i), (item as Node | null) ?? undefined));
}

export function oneOf<T extends string>(node: ConfigNode, values: readonly T[], what = 'value'): T {
  const text = string(node);
  if (!(values as readonly string[]).includes(text)) node.fail(`unknown ${what} ${JSON.stringify(text)} (expected one of: ${values.join(', ')})`);
  return text as T;
}

export function durationSeconds(node: ConfigNode): number {
  const text = isScalar(node.node) && (typeof node.node.value === 'string' || typeof node.node.value === 'number') ? String(node.node.value) : undefined;
  const seconds = text === undefined ? undefined : parseDurationSeconds(text);
  if (seconds === undefined) return node.fail(`expected a duration such as 5s, 1m30s or 250ms, got ${node.shown()}`);
  return seconds;
}

/** A Go (RE2) regular expression, matched in linear time with Go's syntax and semantics. */
export function regexp(node: ConfigNode): GoRegExp {
  try {
    return compileRegex(string(node));
  } catch (error) {
    if (error instanceof RegexSyntaxError) return node.fail(error.message);
    throw error;
  }
}

export function regexpList(node: ConfigNode): GoRegExp[] {
  return list(node, 'a list of regular expressions').map(regexp);
}

/** A mapping of string to string (e.g. HTTP headers). */
export function stringMap(node: ConfigNode): Record<string, string> {
  const map: Record<string, string> = {};
  for (const [key, value] of entries(node)) map[key] = string(value);
  return map;
}

/** The contents of the file a `*_file` key names, relative to the config file's directory. */
export function fileContents(node: ConfigNode): { path: string; text: string } {
  const path = string(node);
  const full = isAbsolute(path) ? path : resolvePath(node.file.baseDir, path);
  try {
    return { path, text: readFileSync(full, 'utf8') };
  } catch (error) {
    return node.fail(`cannot read ${JSON.stringify(full)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
