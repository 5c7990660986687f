/** `npm run golden:update`: rewrites test/fixtures/exporter-e2e/output.prom from the exporter on the fixtures. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { GOLDEN_PATH, goldenOutput } from './golden.js';

test('rewrite the golden exposition', async (t) => {
  const output = await goldenOutput(t);
  mkdirSync(dirname(GOLDEN_PATH), { recursive: true });
  writeFileSync(GOLDEN_PATH, output);
  console.log(`wrote ${GOLDEN_PATH} (${output.split('\n').length - 1} lines)`);
});
