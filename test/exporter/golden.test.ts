import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { GOLDEN_PATH, goldenOutput } from './golden.js';

test('the exporter on the fixture tree matches the golden exposition (npm run golden:update rewrites it)', async (t) => {
  const actual = await goldenOutput(t);
  assert.equal(actual, readFileSync(GOLDEN_PATH, 'utf8'));
});
