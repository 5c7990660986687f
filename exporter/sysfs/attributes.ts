/**
 * Sysfs directories as sets of attributes: listing is done in place (kernfs, no driver involved),
 * the reads go through a `SysfsReader`, all directories of a scrape in one call.
 */
import { existsSync, readdirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../common/logging.js';
import { NoDataError } from '../types.js';
import { SysfsReadError, type SysfsReader } from './read.js';

/** The entries of a directory, or an empty list when it does not exist or cannot be listed. */
export function listDirectory(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') return [];
    throw error;
  }
}

/** Names of the directory's entries that are not regular files (devices, often symlinks), sorted. */
export function listDevices(dir: string): string[] {
  return listDirectory(dir)
    .filter((entry) => !entry.isFile())
    .map((entry) => entry.name)
    .sort();
}

/** One directory's attribute texts, trimmed; an attribute that could not be read is absent. */
export class AttributeSet {
  readonly values = new Map<string, string>();
  /** Why attributes are absent: kept so collectors can log them. */
  readonly errors: SysfsReadError[] = [];

  constructor(readonly dir: string) {}

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  /** An attribute the caller cannot do without: throws when it is absent. */
  require(name: string): string {
    const value = this.values.get(name);
    if (value === undefined) throw new Error(`${join(this.dir, name)}: missing`);
    return value;
  }
}

export interface AttributeRequest {
  dir: string;
  /** The attributes wanted; only those present as regular files are read. Omitted: every regular file. */
  names?: readonly string[];
}

/** How reading a named attribute that is not there as a regular file (or whose directory is not there) fails. */
const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

/**
 * Reads every requested directory's attributes in one batch through `reader`. Named attributes
 * are read without listing their directory (a sysfs listing costs as much as the reads); one
 * that is absent is left out, as a listing would have.
 */
export async function readAttributeSets(
  reader: SysfsReader,
  requests: readonly AttributeRequest[],
  signal?: AbortSignal,
): Promise<AttributeSet[]> {
  const sets = requests.map(({ dir }) => new AttributeSet(dir));
  const paths: string[] = [];
  const owners: [AttributeSet, string, boolean][] = [];
  requests.forEach(({ dir, names }, i) => {
    const set = sets[i] as AttributeSet;
    const named = names !== undefined;
    const files = names ?? listDirectory(dir).flatMap((entry) => (entry.isFile() ? [entry.name] : []));
    for (const name of files) {
      paths.push(join(dir, name));
      owners.push([set, name, named]);
    }
  });
  const outcomes = await reader.readMany(paths, signal);
  outcomes.forEach((outcome, k) => {
    const [set, name, named] = owners[k] as [AttributeSet, string, boolean];
    if (!(outcome instanceof SysfsReadError)) set.values.set(name, outcome.trim());
    else if (!named || !ABSENT.has(outcome.code)) set.errors.push(outcome);
  });
  return sets;
}

/** Reads single files (possibly in different directories) in one batch: each text trimmed, or undefined. */
export async function readFiles(reader: SysfsReader, paths: readonly string[], signal?: AbortSignal): Promise<(string | undefined)[]> {
  const outcomes = await reader.readMany(paths, signal);
  return outcomes.map((outcome) => (outcome instanceof SysfsReadError ? undefined : outcome.trim()));
}

/** Read failures of a scrape: a file that hangs is worth a warning, a missing or unsupported one is not. */
export function logReadErrors(logger: Logger, errors: Iterable<SysfsReadError>): void {
  for (const error of errors) {
    if (error.code === 'ETIMEDOUT') logger.warn({ path: error.path, err: error }, 'sysfs attribute read timed out');
    else logger.debug({ path: error.path, err: error }, 'sysfs attribute unreadable');
  }
}

/**
 * For parsers that, like procfs's, fail on an attribute they cannot read: throws the first read
 * error whose code is not `tolerated` (by default, a file that vanished since it was listed).
 */
export function failOnReadErrors(sets: readonly AttributeSet[], tolerated: readonly string[] = ['ENOENT']): void {
  const failure = sets.flatMap((set) => set.errors).find((error) => !tolerated.includes(error.code));
  if (failure !== undefined) throw failure;
}

export interface ClassDevice {
  device: string;
  attributes: AttributeSet;
}

/**
 * Every device of a /sys/class directory that `keep` accepts, sorted, with the `names` attributes of
 * its directory (or of `subdir` in it) read in one batch; read failures are logged. A class directory
 * that does not exist means the host has no such hardware: NoDataError.
 */
export async function readClassDevices(
  reader: SysfsReader,
  classDir: string,
  names: readonly string[],
  { signal, logger, keep = () => true, subdir = '' }: { signal: AbortSignal; logger: Logger; keep?: (device: string) => boolean; subdir?: string },
): Promise<ClassDevice[]> {
  if (!existsSync(classDir)) throw new NoDataError(`${classDir} does not exist`);
  const devices = listDevices(classDir).filter(keep);
  const sets = await readAttributeSets(reader, devices.map((device) => ({ dir: join(classDir, device, subdir), names })), signal);
  logReadErrors(logger, sets.flatMap((set) => set.errors));
  return devices.map((device, i) => ({ device, attributes: sets[i] as AttributeSet }));
}
