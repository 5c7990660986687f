import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTextFormat } from '../../../exporter/formats/prometheus-text.js';
import { fixture } from '../procfs/fixture.js';

test('parseTextFormat: families with HELP, TYPE, labels and escapes', () => {
  assert.deepEqual(parseTextFormat(fixture('textfile/good.prom'), 'good.prom'), [
    {
      name: 'panel_players',
      help: 'Players connected to the panel.',
      type: 'gauge',
      samples: [
        { labelNames: ['server'], labelValues: ['alpha'], value: 12 },
        { labelNames: ['server'], labelValues: ['beta'], value: 3 },
      ],
    },
    { name: 'panel_restarts_total', help: undefined, type: 'untyped', samples: [{ labelNames: [], labelValues: [], value: 4 }] },
  ]);
  assert.deepEqual(parseTextFormat('# HELP a line\\nbreak \\\\ here\na{x="1\\\\2\\n\\"3\\"",y=""} +Inf\nb -Inf\nc NaN\n', 's'), [
    { name: 'a', help: 'line\nbreak \\ here', type: 'untyped', samples: [{ labelNames: ['x', 'y'], labelValues: ['1\\2\n"3"', ''], value: Infinity }] },
    { name: 'b', help: undefined, type: 'untyped', samples: [{ labelNames: [], labelValues: [], value: -Infinity }] },
    { name: 'c', help: undefined, type: 'untyped', samples: [{ labelNames: [], labelValues: [], value: NaN }] },
  ]);
});

test('parseTextFormat: each error names the source and the line', () => {
  const cases: [string, RegExp][] = [
    ['# TYPE x gauge\nx{a="1" 1\n', /^Error: f\.prom line 2: expected "," or "}" after label a$/],
    ['x{a="1} 1\n', /^Error: f\.prom line 1: unexpected end of label value "1} 1"$/],
    ['x 1 1700000000000\n', /^Error: f\.prom line 1: client-side timestamps are not supported$/],
    ['x one\n', /^Error: f\.prom line 1: invalid value "one"$/],
    ['x\n', /^Error: f\.prom line 1: sample without a value$/],
    ['1x 1\n', /^Error: f\.prom line 1: invalid metric name "1x"$/],
    ['x{a="1",a="2"} 1\n', /^Error: f\.prom line 1: label a given twice$/],
    ['x{a=1} 1\n', /^Error: f\.prom line 1: value of label a is not quoted$/],
    ['x{__name__="y"} 1\n', /^Error: f\.prom line 1: label name __name__ is reserved \(starts with __\)$/],
    ['x 1\n# TYPE x gauge\n', /^Error: f\.prom line 2: TYPE line for x after its samples$/],
    ['# TYPE x gauge\n# TYPE x counter\n', /^Error: f\.prom line 2: second TYPE line for x$/],
    ['# HELP x a\n# HELP x b\n', /^Error: f\.prom line 2: second HELP line for x$/],
    ['# TYPE x histogram\n', /^Error: f\.prom line 1: type "histogram" of x is not supported/],
  ];
  for (const [text, error] of cases) assert.throws(() => parseTextFormat(text, 'f.prom'), error, text);
});
