import { readFileSync } from 'node:fs';

/** The package version, read once from package.json (one level above both src and dist folders). */
function readVersion(): string {
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const parsed = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (parsed.name === 'platypus-monitor' && parsed.version !== undefined) return parsed.version;
    } catch {
      // not this one; try the next level up
    }
  }
  return 'unknown';
}

export const VERSION = readVersion();
