import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GoRegExp } from '../../common/regex.js';
import { NameMatcher } from '../../exporter/name-match.js';

/** A real regex that counts how often it is asked. */
class CountingRegExp extends GoRegExp {
  calls = 0;
  override test(input: string | Uint8Array): boolean {
    this.calls++;
    return super.test(input);
  }
}

test('NameMatcher: answers as its regex does, asking the regex once per distinct name', () => {
  const regex = new CountingRegExp('^(oom_kill|pgpg|pswp|pg.*fault).*');
  const matcher = new NameMatcher(regex);
  const names = ['pgfault', 'pgmajfault', 'nr_free_pages', 'oom_kill', 'pgpgin', 'workingset_refault_anon'];
  for (let pass = 0; pass < 3; pass++) {
    assert.deepEqual(names.map((name) => matcher.test(name)), [true, true, false, true, true, false]);
  }
  assert.equal(regex.calls, names.length);
});

test('NameMatcher: names that never repeat (interfaces coming and going) keep being matched correctly past its memory', () => {
  const regex = new CountingRegExp('^veth');
  const matcher = new NameMatcher(regex);
  for (let i = 0; i < 10_000; i++) {
    assert.equal(matcher.test(`veth${i}`), true);
    assert.equal(matcher.test(`eth${i}`), false);
  }
  assert.equal(regex.calls, 20_000);
  assert.equal(matcher.test('veth9999'), true);
  assert.equal(regex.calls, 20_000, 'the most recent names are still remembered');
});
