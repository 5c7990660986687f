/**
 * `--scheduler.state-file`: the hourly availability history of every target, saved as JSON so
 * 24 h and 7 d availability survive a restart. Written atomically (a temporary file renamed over
 * the old one); read once at start, where targets no longer configured are dropped.
 */
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import type { TargetState } from './state.js';

const FORMAT = 1;
/** A file larger than this is not read: 168 hours of three numbers for 100,000 targets fit well within it. */
const MAX_BYTES = 256 * 1024 * 1024;

interface StateFile {
  format: number;
  savedAt: string;
  /** Target key (its label set) → saved hours. */
  targets: Record<string, unknown[]>;
}

export async function saveStateFile(path: string, targets: Iterable<TargetState>, nowMs = Date.now()): Promise<void> {
  const saved: StateFile = { format: FORMAT, savedAt: new Date(nowMs).toISOString(), targets: {} };
  for (const state of targets) {
    const hours = state.history.hours();
    if (hours.length > 0) saved.targets[state.key] = hours;
  }
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(saved), { mode: 0o600 });
  await rename(temporary, path);
}

/** Restores the saved history into the targets that are configured now; returns how many were restored. A missing file restores none. */
export async function restoreStateFile(path: string, targets: Iterable<TargetState>, nowMs = Date.now()): Promise<number> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  if (size > MAX_BYTES) throw new Error(`${path}: larger than ${MAX_BYTES} bytes, not read`);
  let saved: Partial<StateFile>;
  try {
    saved = JSON.parse(await readFile(path, 'utf8')) as Partial<StateFile>;
  } catch (error) {
    throw new Error(`${path}: not a state file (${(error as Error).message})`, { cause: error });
  }
  if (saved.format !== FORMAT || typeof saved.targets !== 'object' || saved.targets === null) throw new Error(`${path}: not a state file of format ${FORMAT}`);
  let restored = 0;
  for (const state of targets) {
    const hours = Object.hasOwn(saved.targets, state.key) ? saved.targets[state.key] : undefined;
    if (!Array.isArray(hours)) continue;
    state.history.restore(hours, nowMs);
    restored++;
  }
  return restored;
}
