/** A throwaway procfs or sysfs root holding only the given files, for edge cases the captured fixtures lack. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import type { HostPaths } from '../../../exporter/types.js';
import { fixturePaths } from './fixture.js';

function tree(t: TestContext, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'platypus-tree-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** `files` maps paths under /proc to their content; sysfs stays the fixture's. */
export function procTree(t: TestContext, files: Record<string, string>): HostPaths {
  return { ...fixturePaths, procfs: tree(t, files) };
}

/** `files` maps paths under /sys to their content; procfs stays the fixture's. */
export function sysTree(t: TestContext, files: Record<string, string>): HostPaths {
  return { ...fixturePaths, sysfs: tree(t, files) };
}
