import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fallbackCollectors, linuxCollectors as table } from '../../../exporter/collectors/index.js';
import type { CollectorDefinition } from '../../../exporter/types.js';

const linuxCollectors: readonly CollectorDefinition[] = table;

const doc = readFileSync(new URL('../../../docs/collectors.md', import.meta.url), 'utf8');

/** The cells of every markdown table row, headers included. */
function rows(): string[][] {
  return doc
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
    .map((line) => line.slice(2, -2).split(/(?<!\\) \| /));
}

const flagsOf = (name: string) => Object.values(linuxCollectors.find((c) => c.name === name)?.flags ?? {}).map((flag) => flag.name);

test('docs/collectors.md has a row per collector, with its default, fallback mark and every flag of it', () => {
  const collectorRows = new Map(rows().filter(([first]) => /^[a-z_]+$/.test(first ?? '') && first !== 'name' && first !== 'flag').map((cells) => [cells[0]!, cells]));
  assert.deepEqual([...collectorRows.keys()], linuxCollectors.map((c) => c.name), 'one row per collector, in table order');
  const fallbacks = new Set(fallbackCollectors.map((c) => c.name));
  for (const definition of linuxCollectors) {
    const [, defaultCell = '', , , flagsCell = ''] = collectorRows.get(definition.name)!;
    assert.ok(defaultCell.startsWith(definition.defaultEnabled ? 'on' : 'off'), `${definition.name}: default`);
    if (defaultCell.includes('*fallback*')) assert.ok(fallbacks.has(definition.name), `${definition.name}: fallback mark`);
    const documented = [...flagsCell.matchAll(/`--([a-zA-Z0-9.-]+)`/g)].map((match) => match[1]).sort();
    assert.deepEqual(documented, flagsOf(definition.name).sort(), `${definition.name}: flags`);
  }
});

test('docs/collectors.md has a per-OS row for every fallback collector', () => {
  const section = doc.slice(doc.indexOf('## Off Linux: the fallback collectors, per OS'));
  const documented = new Set([...section.matchAll(/^\| `([a-z]+)`(?:, `([a-z]+)`)? \|/gm)].flatMap((match) => match.slice(1).filter((name) => name !== undefined)));
  assert.deepEqual([...documented].sort(), fallbackCollectors.map((c) => c.name).sort());
});

test('docs/collectors.md maps every collector flag to its option', () => {
  const mapped = new Map(
    rows()
      .filter(([first]) => first?.startsWith('`--'))
      .map(([flag = '', field = '']) => [flag.slice(3, -1), field.slice(1, -1)]),
  );
  const expected = new Map(
    linuxCollectors.flatMap((definition) => Object.entries(definition.flags ?? {}).map(([option, flag]) => [flag.name, `${definition.name}.${option}`])),
  );
  assert.deepEqual(mapped, expected);
});
