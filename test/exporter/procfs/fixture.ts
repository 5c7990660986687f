import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A captured file under test/fixtures/exporter/. */
export function fixture(path: string): string {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/exporter/${path}`, import.meta.url)), 'utf8');
}
