/**
 * Command-line flags in kingpin's style, as node_exporter and blackbox_exporter take them:
 * `--name=value` or `--name value`, booleans as `--flag` / `--no-flag`, typed values with
 * defaults, generated `--help`, `--version`. Errors name the flag, in kingpin's words.
 */
import { formatDuration, parseDurationSeconds } from './duration.js';
import { compileRegex, type GoRegExp } from './regex.js';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from './logging.js';

export class FlagError extends Error {
  override name = 'FlagError';
}

export interface FlagSpec<T> {
  readonly help: string;
  readonly default: T;
  /** Shown in `--help` after `--name=` (e.g. `<addr>`); absent for booleans. */
  readonly placeholder?: string;
  readonly boolean?: true;
  /** Each use adds one value; the first use replaces the default. */
  readonly repeatable?: true;
  /** Turns the text after `=` into the value; throws an Error whose message says why it is invalid. */
  parse(text: string): T;
  /** How the default is shown in `--help`; undefined shows none. */
  showDefault?(value: T): string | undefined;
}

export type FlagSpecs = Record<string, FlagSpec<unknown>>;
export type FlagValues<S extends FlagSpecs> = { -readonly [K in keyof S]: S[K] extends FlagSpec<infer T> ? T : never };

export function stringFlag(help: string, defaultValue: string, placeholder = '<string>'): FlagSpec<string> {
  return { help, default: defaultValue, placeholder, parse: (text) => text, showDefault: (value) => (value === '' ? undefined : JSON.stringify(value)) };
}

export function optionalStringFlag(help: string, placeholder = '<string>'): FlagSpec<string | undefined> {
  return { help, default: undefined, placeholder, parse: (text) => text, showDefault: () => undefined };
}

export function integerFlag(help: string, defaultValue: number, { min = -Infinity, max = Infinity } = {}): FlagSpec<number> {
  return {
    help,
    default: defaultValue,
    placeholder: '<int>',
    parse(text) {
      if (!/^[+-]?\d+$/.test(text)) throw new Error('expected an integer');
      const value = Number(text);
      if (value < min) throw new Error(`must be at least ${min}`);
      if (value > max) throw new Error(`must be at most ${max}`);
      return value;
    },
    showDefault: String,
  };
}

export function booleanFlag(help: string, defaultValue = false): FlagSpec<boolean> {
  return {
    help,
    default: defaultValue,
    boolean: true,
    parse(text) {
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw new Error('expected true or false');
    },
    showDefault: (value) => (value ? 'enabled' : undefined),
  };
}

function enumFlag<T extends string>(help: string, values: readonly T[], defaultValue: T): FlagSpec<T> {
  return {
    help: `${help} One of: [${values.join(', ')}]`,
    default: defaultValue,
    placeholder: `<${values.join('|')}>`,
    parse(text) {
      if (!(values as readonly string[]).includes(text)) throw new Error(`expected one of ${values.join(', ')}`);
      return text as T;
    },
    showDefault: (value) => value,
  };
}

/**
 * A regular expression with Go's (RE2) syntax and semantics, matched in linear time; unanchored,
 * as node_exporter compiles its device, mount point, filesystem type and vmstat field filters.
 */
export function regexpFlag(help: string, defaultValue: GoRegExp): FlagSpec<GoRegExp>;
export function regexpFlag(help: string, defaultValue: GoRegExp | undefined): FlagSpec<GoRegExp | undefined>;
export function regexpFlag(help: string, defaultValue: GoRegExp | undefined): FlagSpec<GoRegExp | undefined> {
  return {
    help,
    default: defaultValue,
    placeholder: '<regexp>',
    parse: compileRegex,
    showDefault: (value) => (value === undefined ? undefined : JSON.stringify(value.source)),
  };
}

export function durationFlag(help: string, defaultSeconds: number): FlagSpec<number> {
  return {
    help,
    default: defaultSeconds,
    placeholder: '<duration>',
    parse(text) {
      const seconds = parseDurationSeconds(text);
      if (seconds === undefined) throw new Error('not a valid duration string (e.g. 5s, 1m30s, 250ms)');
      return seconds;
    },
    showDefault: formatDuration,
  };
}

export function repeatableStringFlag(help: string, placeholder = '<string>'): FlagSpec<string[]> {
  return { help, default: [], placeholder, repeatable: true, parse: (text) => [text], showDefault: () => undefined };
}

/** The flags both programs take, with the program's own default listen address. */
export function commonFlags(defaultListenAddress: string) {
  return {
    'web.listen-address': stringFlag('Address on which to expose metrics and web interface.', defaultListenAddress, '<addr>'),
    'web.config.file': optionalStringFlag('Path to configuration file that can enable TLS or authentication.', '<path>'),
    'log.level': enumFlag<LogLevel>('Only log messages with the given severity or above.', LOG_LEVELS, 'info'),
    'log.format': enumFlag<LogFormat>('Output format of log messages.', LOG_FORMATS, 'logfmt'),
  };
}

export type ParseResult<S extends FlagSpecs> =
  | { action: 'run'; values: FlagValues<S> }
  | { action: 'help' }
  | { action: 'version' };

/** Parses `argv` (without node and the script). Throws FlagError naming the flag. */
export function parseFlags<S extends FlagSpecs>(specs: S, argv: readonly string[]): ParseResult<S> {
  const values: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const [name, spec] of Object.entries(specs)) values[name] = spec.default;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { action: 'help' };
    if (arg === '--version') return { action: 'version' };
    if (!arg.startsWith('--')) {
      throw new FlagError(arg.startsWith('-') ? `unknown short flag '${arg}'` : `unexpected ${arg}`);
    }
    const equals = arg.indexOf('=');
    let name = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
    let inline = equals === -1 ? undefined : arg.slice(equals + 1);
    let spec = specs[name];
    if (spec === undefined && name.startsWith('no-') && specs[name.slice(3)]?.boolean === true && inline === undefined) {
      name = name.slice(3);
      spec = specs[name];
      inline = 'false';
    }
    if (spec === undefined) throw new FlagError(`unknown long flag '--${name}'`);
    let text: string;
    if (inline !== undefined) text = inline;
    else if (spec.boolean === true) text = 'true';
    else {
      const next = argv[i + 1];
      if (next === undefined) throw new FlagError(`expected argument for flag '--${name}'`);
      text = next;
      i++;
    }
    let value: unknown;
    try {
      value = spec.parse(text);
    } catch (error) {
      throw new FlagError(`invalid value ${JSON.stringify(text)} for flag --${name}: ${(error as Error).message}`);
    }
    if (spec.repeatable === true) {
      values[name] = seen.has(name) ? [...(values[name] as unknown[]), ...(value as unknown[])] : value;
    } else {
      values[name] = value;
    }
    seen.add(name);
  }
  return { action: 'run', values: values as FlagValues<S> };
}

export interface ProgramInfo {
  /** e.g. `platypus-exporter`. */
  name: string;
  /** One line under the usage line. */
  description: string;
  version: string;
}

/** Kingpin-like help: usage, then every flag with its default. */
export function helpText(program: ProgramInfo, specs: FlagSpecs): string {
  const rows: Array<[string, string]> = [
    ['-h, --help', 'Show context-sensitive help.'],
    ...Object.entries(specs).map(([name, spec]): [string, string] => {
      const flag = spec.boolean === true ? `--[no-]${name}` : `--${name}=${spec.placeholder ?? '<value>'}${spec.repeatable === true ? ' ...' : ''}`;
      const shown = spec.showDefault?.(spec.default);
      return [flag, shown === undefined ? spec.help : `${spec.help} (default: ${shown})`];
    }),
    ['--version', 'Show application version.'],
  ];
  const lines = rows.map(([flag, help]) => `  ${flag}\n      ${help}`);
  return `usage: ${program.name} [<flags>]\n\n${program.description}\n\nFlags:\n${lines.join('\n')}\n`;
}

function versionText(program: ProgramInfo): string {
  return `${program.name}, version ${program.version} (node ${process.version}, ${process.platform}/${process.arch})\n`;
}

/**
 * Parses the flags and runs `main`; `--help` and `--version` print and exit 0, a bad flag or a
 * failed start prints `NAME: error: …` and exits 1, as kingpin programs do.
 */
export async function runCli<S extends FlagSpecs>(
  program: ProgramInfo,
  specs: S,
  argv: readonly string[],
  main: (values: FlagValues<S>) => Promise<void>,
): Promise<void> {
  let parsed: ParseResult<S>;
  try {
    parsed = parseFlags(specs, argv);
  } catch (error) {
    process.stderr.write(`${program.name}: error: ${(error as Error).message}, try --help\n`);
    process.exit(1);
  }
  if (parsed.action === 'help') {
    process.stdout.write(helpText(program, specs));
    return;
  }
  if (parsed.action === 'version') {
    process.stdout.write(versionText(program));
    return;
  }
  try {
    await main(parsed.values);
  } catch (error) {
    process.stderr.write(`${program.name}: error: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
