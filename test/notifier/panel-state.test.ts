import assert from 'node:assert/strict';
import { test } from 'node:test';
import { outageRanges, panelNow } from '../../notifier/panel-state.js';
import type { Series } from '../../notifier/prometheus.js';

const T = 1_780_000_000;

function series(labels: Record<string, string>, values: number[], step = 15): Series {
  return { labels, points: values.map((value, i) => [T + i * step, value]) };
}

test('an outage is where at least two locations fail at once', () => {
  const success = [
    series({ location: 'fra' }, [1, 0, 0, 0, 1, 1, 0, 0]),
    series({ location: 'ams' }, [1, 1, 0, 0, 1, 1, 0, 1]),
    series({ location: 'nyc' }, [1, 1, 1, 0, 1, 1, 0, 1]),
  ];
  assert.deepEqual(outageRanges(success, 15), [[T + 30, T + 60], [T + 90, T + 105]]);
});

test('with one location its failures are the outage', () => {
  assert.deepEqual(outageRanges([series({ location: 'fra' }, [1, 0, 0, 1, 0])], 15), [[T + 15, T + 45], [T + 60, T + 75]]);
  assert.deepEqual(outageRanges([], 15), []);
});

test('the panel went down when the second location started failing', () => {
  const success = [series({ location: 'fra', __name__: 'probe_success' }, [0]), series({ location: 'ams' }, [0]), series({ location: 'nyc' }, [0])];
  const since = [series({ location: 'fra' }, [T - 300]), series({ location: 'ams' }, [T - 60]), series({ location: 'nyc' }, [T - 120])];
  assert.deepEqual(panelNow(success, since), { failingLocations: 3, downSince: T - 120 });
});

test('with one location its own state change is the start', () => {
  assert.deepEqual(panelNow([series({ instance: 'prober:9115' }, [0])], [series({ instance: 'prober:9115' }, [T - 42])]), { failingLocations: 1, downSince: T - 42 });
});

test('no start when the panel is not down by the rule or a failing location has no state time', () => {
  const success = [series({ location: 'fra' }, [0]), series({ location: 'ams' }, [1])];
  assert.deepEqual(panelNow(success, [series({ location: 'fra' }, [T - 60]), series({ location: 'ams' }, [T - 600])]), { failingLocations: 1 });
  const both = [series({ location: 'fra' }, [0]), series({ location: 'ams' }, [0])];
  assert.deepEqual(panelNow(both, [series({ location: 'fra' }, [T - 60])]), { failingLocations: 2 });
});
