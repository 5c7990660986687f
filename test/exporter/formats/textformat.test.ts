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
    ['# TYPE x exotic\n', /^Error: f\.prom line 1: unknown type "exotic" of x$/],
    ['x 0x10\n', /^Error: f\.prom line 1: invalid value "0x10"$/],
    ['x 1_000\n', /^Error: f\.prom line 1: invalid value "1_000"$/],
    ['x 1e400\n', /^Error: f\.prom line 1: value 1e400 is out of range$/],
    ['x -1e400\n', /^Error: f\.prom line 1: value -1e400 is out of range$/],
    ['# TYPE h histogram\nh{a="1"} 1\n', /^Error: f\.prom line 2: histogram h sample without _bucket, _sum or _count$/],
    ['# TYPE h histogram\nh_bucket 1\n', /^Error: f\.prom line 2: histogram h sample without a "le" label$/],
    ['# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="1.0"} 2\n', /^Error: f\.prom line 3: le="1" of h given twice$/],
    ['# TYPE s summary\ns_sum 1\ns_sum 2\n', /^Error: f\.prom line 3: s_sum given twice$/],
  ];
  for (const [text, error] of cases) assert.throws(() => parseTextFormat(text, 'f.prom'), error, text);
});

test('parseTextFormat: values as Go parses them (Inf and NaN in any case, exponents); hex, underscores and overflow refused', () => {
  const values = parseTextFormat('a 1.5e3\nb .5\nc -inf\nd +Inf\ne nan\nf 1e308\ng 5.\n', 's').map((family) => family.samples[0]?.value);
  assert.deepEqual(values, [1500, 0.5, -Infinity, Infinity, NaN, 1e308, 5]);
});

test('parseTextFormat: histograms and summaries, one series per label set, le and quantile taken out', () => {
  assert.deepEqual(parseTextFormat(fixture('textfile-distributions/latency.prom'), 'latency.prom'), [
    {
      name: 'panel_request_duration_seconds',
      help: 'Time the panel took to answer.',
      type: 'histogram',
      samples: [{ labelNames: ['route'], labelValues: ['/login'], value: 9, distribution: { points: [[0.1, 3], [0.5, 7]], sum: 2.5, count: 9 } }],
    },
    {
      name: 'panel_backup_size_bytes',
      help: 'Size of the nightly backups.',
      type: 'summary',
      samples: [{ labelNames: [], labelValues: [], value: 30, distribution: { points: [[0.5, 1.2e9], [0.99, 3e9]], sum: 4.2e10, count: 30 } }],
    },
  ]);
});
