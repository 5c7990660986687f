/** Availability over 24 h and 7 d from hourly buckets, with old hours forgotten. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckHistory, RECENT_CHECKS, RecentChecks } from '../../../prober/scheduler/history.js';
import { DURATION_BUCKETS, TargetState } from '../../../prober/scheduler/state.js';

const HOUR = 3_600_000;
const start = Date.UTC(2026, 0, 5, 0, 0, 0);

test('availability sums the hours inside the window', () => {
  const history = new CheckHistory();
  assert.deepEqual(history.availability(24, start), { ratio: undefined, checks: 0, maintenance: 0 });
  // 30 h ago: 10 checks, all failed; then 10 checks an hour, 9 of them good, for the last 24 h.
  for (let i = 0; i < 10; i++) history.record(false, start + i * 1000);
  for (let hour = 6; hour < 30; hour++) {
    for (let i = 0; i < 10; i++) history.record(i !== 0, start + hour * HOUR + i * 1000);
  }
  const now = start + 29 * HOUR + 30 * 60_000;
  assert.deepEqual(history.availability(24, now), { ratio: 0.9, checks: 240, maintenance: 0 });
  assert.deepEqual(history.availability(7 * 24, now), { ratio: 216 / 250, checks: 250, maintenance: 0 });
  assert.deepEqual(history.availability(1, now), { ratio: 0.9, checks: 10, maintenance: 0 });
});

test('hours older than 7 days are dropped, also after a long gap', () => {
  const history = new CheckHistory();
  history.record(false, start);
  history.record(true, start + 2 * HOUR);
  // 7 days + 1 hour later, the first record has left the window, the second is at its edge.
  const later = start + (7 * 24 + 1) * HOUR;
  assert.deepEqual(history.availability(7 * 24, later), { ratio: 1, checks: 1, maintenance: 0 });
  history.record(true, start + 30 * 24 * HOUR);
  assert.deepEqual(history.availability(7 * 24, start + 30 * 24 * HOUR), { ratio: 1, checks: 1, maintenance: 0 });
  // The slot the first record used comes round again (168 h later) without its old counts.
  history.record(true, start + 31 * 24 * HOUR + 0);
  assert.deepEqual(history.availability(24, start + 31 * 24 * HOUR), { ratio: 1, checks: 1, maintenance: 0 });
});

test('failed checks inside a maintenance window are left out of the availability, and saved apart', () => {
  const history = new CheckHistory();
  // An hour of 10 checks: 6 up, 1 down, 3 down inside a window; the next hour all 4 down inside one.
  for (let i = 0; i < 6; i++) history.record(true, start + i * 1000, i === 0);
  history.record(false, start + 10_000);
  for (let i = 0; i < 3; i++) history.record(false, start + 20_000 + i * 1000, true);
  for (let i = 0; i < 4; i++) history.record(false, start + HOUR + i * 1000, true);
  assert.deepEqual(history.availability(24, start + HOUR), { ratio: 6 / 7, checks: 14, maintenance: 7 });
  // Only checks inside a window: nothing to say about availability.
  assert.deepEqual(history.availability(1, start + HOUR), { ratio: undefined, checks: 4, maintenance: 4 });
  const hour0 = start / HOUR;
  assert.deepEqual(history.hours(), [[hour0, 10, 6, 3], [hour0 + 1, 4, 0, 4]]);

  // Restored with an hour saved before the counter existed (three numbers) and bad counts skipped.
  const restored = new CheckHistory();
  restored.restore([...history.hours(), [hour0 + 2, 5, 4], [hour0 + 3, 5, 4, 2], [hour0 + 3, 5, 1, 1, 1]], start + 3 * HOUR);
  assert.deepEqual(restored.hours(), [[hour0, 10, 6, 3], [hour0 + 1, 4, 0, 4], [hour0 + 2, 5, 4]]);
  assert.deepEqual(restored.availability(24, start + 3 * HOUR), { ratio: 10 / 12, checks: 19, maintenance: 7 });
});

test('the recent checks keep the last 50, oldest first, with latency and failure reason', () => {
  const recent = new RecentChecks();
  assert.deepEqual(recent.list(), []);
  for (let i = 0; i < 60; i++) recent.record(start + i * 30_000, 0.0123 + i / 1000, i % 10 === 9 ? 'timeout' : undefined);
  const list = recent.list();
  assert.equal(list.length, RECENT_CHECKS);
  assert.deepEqual(list[0], [start / 1000 + 10 * 30, 22.3, null]);
  assert.deepEqual(list.at(-1), [start / 1000 + 59 * 30, 71.3, 'timeout']);
  assert.equal(list.filter(([, , failure]) => failure === 'timeout').length, 5);
});

test('saved hours restore into a new history; hours outside the window and malformed entries are skipped', () => {
  const history = new CheckHistory();
  history.record(false, start);
  history.record(true, start + HOUR);
  history.record(true, start + HOUR + 1000);
  const hour0 = start / HOUR;
  assert.deepEqual(history.hours(), [[hour0, 1, 0], [hour0 + 1, 2, 2]]);

  const restored = new CheckHistory();
  restored.record(true, start + 2 * HOUR);
  restored.restore([...history.hours(), [hour0 - 200, 5, 5], [hour0 + 99, 1, 1], [hour0, 1, 9], ['x'], null, [hour0 + 1, -1, 0]], start + 2 * HOUR);
  assert.deepEqual(restored.hours(), [[hour0, 1, 0], [hour0 + 1, 2, 2], [hour0 + 2, 1, 1]]);
  assert.deepEqual(restored.availability(24, start + 2 * HOUR), { ratio: 0.75, checks: 4, maintenance: 0 });
});

test("a target's duration histogram, hourly history and recent checks share one buffer and never overwrite each other", () => {
  const group = { name: 'g', module: 'http_2xx', interval: 60, timeout: 5, retries: 0 } as never;
  const state = new TargetState({ group, target: 'panel.example:443', labels: {} }, undefined);
  // 7 days of hours, one check each: every slot of each counter is written, the recent ring wraps.
  const hours = 7 * 24;
  for (let h = 0; h < hours; h++) state.recordCheck(h % 4 !== 0, 11, h % 4 === 0 ? 'timeout' : undefined, start + h * HOUR);
  const now = start + (hours - 1) * HOUR;
  assert.deepEqual(state.history.availability(hours, now), { ratio: 0.75, checks: hours, maintenance: 0 });
  const recent = state.recent.list();
  assert.equal(recent.length, RECENT_CHECKS);
  recent.forEach(([at, latencyMs, failure], i) => {
    const h = hours - RECENT_CHECKS + i;
    assert.deepEqual([at, latencyMs, failure], [(start + h * HOUR) / 1000, 11000, h % 4 === 0 ? 'timeout' : null]);
  });
  // Every check took 11 s: all in +Inf, their sum after it.
  assert.deepEqual([...state.durations], [...DURATION_BUCKETS.map(() => 0), hours, 11 * hours]);
});
