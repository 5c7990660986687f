import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeTimeoutSeconds, DEFAULT_SCRAPE_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, TimeoutHeaderError } from '../../prober/deadline.js';

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
  for (const bad of ['abc', '10s', 'NaN', 'Infinity', '-', '1e']) {
    assert.throws(() => computeTimeoutSeconds(bad, 5, 0.5), (error: unknown) => {
      assert.ok(error instanceof TimeoutHeaderError);
      assert.equal(error.message, `Failed to parse timeout from Prometheus header: ${JSON.stringify(bad)} is not a number of seconds`);
      return true;
    });
  }
});

test('item 13: out-of-range timeouts are clamped: negative as no header, huge to the longest deadline', () => {
  assert.equal(computeTimeoutSeconds('-5', 5, 0.5), 5);
  assert.equal(computeTimeoutSeconds('-5', 0, 0.5), 119.5);
  assert.equal(computeTimeoutSeconds('1e10', 0, 0.5), MAX_TIMEOUT_SECONDS - 0.5);
  assert.equal(computeTimeoutSeconds('1e400', 0, 0.5), MAX_TIMEOUT_SECONDS - 0.5);
  assert.equal(computeTimeoutSeconds('1e10', 5, 0.5), 5);
  assert.equal(computeTimeoutSeconds('0.25', 1e12, 0.5), MAX_TIMEOUT_SECONDS);
  assert.equal(computeTimeoutSeconds(-Infinity, 0, 0), DEFAULT_SCRAPE_TIMEOUT_SECONDS);
});
