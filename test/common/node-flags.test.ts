import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { shebangNodeFlags } from '../../common/node-flags.js';

test("a program's shebang flags, none without `env -S node`, and the shipped CLIs' own", (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'platypus-shebang-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const program = (name: string, firstLine: string): string => {
    writeFileSync(join(dir, name), `${firstLine}\nconsole.log(1);\n`);
    return join(dir, name);
  };
  assert.deepEqual(shebangNodeFlags(program('a.js', '#!/usr/bin/env -S node --max-old-space-size=64  --optimize-for-size')), ['--max-old-space-size=64', '--optimize-for-size']);
  assert.deepEqual(shebangNodeFlags(program('b.js', '#!/usr/bin/env node')), []);
  assert.deepEqual(shebangNodeFlags(program('c.js', 'console.log(0);')), []);
  const exporterFlags = shebangNodeFlags(new URL('../../exporter/cli.ts', import.meta.url).pathname);
  assert.ok(exporterFlags.some((flag) => flag.startsWith('--max-old-space-size=')), 'the exporter bounds its heap');
  // The prober's live heap grows with its list, so it bounds the growth over it, not the size.
  const proberFlags = shebangNodeFlags(new URL('../../prober/cli.ts', import.meta.url).pathname);
  assert.ok(proberFlags.some((flag) => flag.startsWith('--heap-growing-percent=')), 'the prober bounds its heap growth');
  assert.ok(!proberFlags.some((flag) => flag.startsWith('--max-old-space-size=')), 'a large list must not run out of heap');
  const semiSpace = Number(proberFlags.find((flag) => flag.startsWith('--max-semi-space-size='))?.split('=')[1]);
  assert.ok(semiSpace >= 4, 'a young generation under 4 MiB costs /probe a third more CPU (docs/scheduler.md)');
});
