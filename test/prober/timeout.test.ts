import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeTimeoutSeconds, TimeoutHeaderError } from '../../prober/server/timeout.js';

test('the probe timeout follows blackbox getTimeout rule', () => {
  // [module timeout, X-Prometheus-Scrape-Timeout-Seconds, offset, expected]
  const cases: [number, string | number | undefined, number, number][] = [
    [0, undefined, 0, 120], // no header: 120 s
    [0, undefined, 0.5, 119.5], // ... minus the offset
    [0, '', 0.5, 119.5], // empty header is no header
    [0, '0', 0.5, 119.5], // 0 is no header
    [0, '15', 0, 15],
    [0, '15', 0.5, 14.5],
    [5, '15', 0.5, 5], // a shorter module timeout wins
    [5, undefined, 0.5, 5],
    [20, '15', 0.5, 14.5], // a longer module timeout does not
    [14.5, '15', 0.5, 14.5],
    [10, '10', 0.5, 9.5],
    [2, '1', 0.5, 0.5],
    [3, '0.25', 0.5, 3], // the offset left nothing: the module timeout decides
    [0, '0.25', 0.5, 0], // ...and with none, nothing is left
    [0, 7.5, 0.5, 7], // a number from a library caller
  ];
  for (const [moduleTimeout, header, offset, expected] of cases) {
    assert.equal(computeTimeoutSeconds(header, moduleTimeout, offset), expected, `module=${moduleTimeout} header=${String(header)} offset=${offset}`);
  }
});

test('an unparsable header is an error naming the value', () => {
  for (const bad of ['abc', '10s', '-5', 'NaN', 'Infinity']) {
    assert.throws(() => computeTimeoutSeconds(bad, 5, 0.5), (error: unknown) => {
      assert.ok(error instanceof TimeoutHeaderError);
      assert.equal(error.message, `Failed to parse timeout from Prometheus header: ${JSON.stringify(bad)} is not a number of seconds`);
      return true;
    });
  }
});
