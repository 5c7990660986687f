import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { closeRegexWorkers, compileAnchoredRegex, compileRegex, INLINE_LIMIT_BYTES, testEach } from '../../common/regex.js';

after(closeRegexWorkers);

test('Go syntax: named groups, inline flags, Unicode classes, \\z and $ at the very end', () => {
  const date = compileRegex('(?P<year>\\d{4})-(?<month>\\d\\d)');
  assert.deepEqual(date.exec('released 2024-12, again'), { index: 9, groups: ['2024-12', '2024', '12'] });
  assert.equal(compileRegex('(?i)copyright').test('COPYRIGHT 2024'), true);
  assert.equal(compileRegex('(?i:a)B').test('AB'), true);
  assert.equal(compileRegex('(?i:a)B').test('Ab'), false);
  assert.equal(compileRegex('^\\pL+\\z').test('héllo'), true);
  assert.equal(compileRegex('^\\pL+\\z').test('héllo\n'), false);
  // Without (?m), Go's $ matches only at the end of the text, not before a final newline as in JavaScript.
  assert.equal(compileRegex('ok$').test('ok\n'), false);
  assert.equal(compileRegex('(?m)ok$').test('ok\nnext'), true);
  assert.equal(compileRegex('(?s)a.b').test('a\nb'), true);
  assert.equal(compileRegex('a.b').test('a\nb'), false);
  // Bytes are read as UTF-8, as Go reads a body.
  assert.equal(compileRegex('^\\pL+\\z').test(Buffer.from('héllo')), true);
  assert.equal(compileRegex('[[:digit:]]{3}').test('abc123'), true);
  assert.equal(compileRegex('x*').exec('')!.groups[0], '');
  assert.equal(compileRegex('(a)|(b)').exec('b')!.groups[1], undefined);
});

test('what RE2 refuses is refused with Go\'s message', () => {
  const cases: Array<[string, string]> = [
    ['(a)\\1', 'invalid regular expression "(a)\\\\1": invalid escape sequence: `\\1`'],
    ['a(?=b)', 'invalid regular expression "a(?=b)": invalid or unsupported Perl syntax: `(?=`'],
    ['a(?!b)', 'invalid regular expression "a(?!b)": invalid or unsupported Perl syntax: `(?!`'],
    ['(?<=a)b', 'invalid regular expression "(?<=a)b": invalid named capture: `(?<=a)b`'],
    ['[a-', 'invalid regular expression "[a-": missing closing ]: `[a-`'],
    ['a**', 'invalid regular expression "a**": invalid nested repetition operator: `**`'],
    ['a{1001}', 'invalid regular expression "a{1001}": invalid repeat count: `{1001}`'],
    ['(?P<n>a)(?P<n>b)', 'invalid regular expression "(?P<n>a)(?P<n>b)": duplicate capture group name: `n`'],
    ['\\u0041', 'invalid regular expression "\\\\u0041": invalid escape sequence: `\\u`'],
  ];
  for (const [source, message] of cases) assert.throws(() => compileRegex(source), { name: 'RegexSyntaxError', message }, source);
});

test('anchored regexes match the whole input, as node_exporter anchors its flag filters', () => {
  assert.equal(compileAnchoredRegex('eth.*').test('eth0'), true);
  assert.equal(compileAnchoredRegex('eth').test('eth0'), false);
  assert.equal(compileAnchoredRegex('a|b').test('ab'), false);
  assert.equal(compileAnchoredRegex('lo').test('lo\n'), false);
  // A pattern that only compiles once wrapped is still an error, quoting what was given.
  assert.throws(() => compileAnchoredRegex('a)|(.*'), { message: 'invalid regular expression "a)|(.*": unexpected ): `a)|(.*`' });
});

test('expand follows Go: $1, ${1}, $name, ${name}, $$, unknown groups empty, malformed kept', () => {
  const regex = compileRegex('(?P<cmd>\\w+) (\\d+)');
  const match = regex.exec('PING 42')!;
  assert.equal(regex.expand('${cmd}:$2 ${1} $$ $cmd', match), 'PING:42 PING $ PING');
  assert.equal(regex.expand('$1x|$9|${nope}|$2', match), '|||42');
  assert.equal(regex.expand('cost $ 5, ${ open, end $', match), 'cost $ 5, ${ open, end $');
});

test('a body that makes V8 backtrack is matched in linear time', async (t) => {
  const body = Buffer.from('Copyright '.repeat(40_000));
  await testEach([compileRegex('thread start-up')], body);
  const started = performance.now();
  assert.deepEqual(await testEach([compileRegex('Copyright.*2024')], body), [false]);
  t.diagnostic(`400 KB of "Copyright " against Copyright.*2024: ${(performance.now() - started).toFixed(1)} ms`);
  const inline = performance.now();
  assert.equal(compileRegex('Copyright.*2024').test(body), false);
  t.diagnostic(`the same on the calling thread: ${(performance.now() - inline).toFixed(1)} ms`);
});

test('large inputs: matches spanning the whole body are found, each regex answers', async () => {
  const filler = 'x'.repeat(3 * INLINE_LIMIT_BYTES);
  const body = Buffer.from(`Copyright ${filler} 2024 ${filler} end`);
  const regexes = ['Copyright.*2024', '(?s)^Copyright.*end\\z', 'missing', 'x{3}\\s2024'].map(compileRegex);
  assert.deepEqual(await testEach(regexes, body), [true, true, false, true]);
  assert.deepEqual(await testEach(regexes, body.toString()), [true, true, false, true]);
  assert.deepEqual(await testEach([], body), []);
});

test('the event loop keeps turning while a large body is matched', async () => {
  // ~4 MB against a case-folded pattern: hundreds of milliseconds of matching, none of it on this thread.
  const body = Buffer.from('Copyright notice, all rights reserved. '.repeat(100_000));
  await testEach([compileRegex('warm up')], Buffer.alloc(INLINE_LIMIT_BYTES + 1));
  let ticks = 0;
  let ticking = true;
  const tick = (): void => {
    ticks++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  const result = await testEach([compileRegex('(?i)copyright\\s+\\d+'), compileRegex('reserved\\.\\s+Copyright')], body);
  ticking = false;
  assert.deepEqual(result, [false, true]);
  assert.ok(ticks >= 20, `only ${ticks} event-loop turns during the match`);
});

test('an aborted large match ends at once with the abort reason', async () => {
  const body = Buffer.from('x'.repeat(8_000_000));
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('probe timed out')), 20);
  await assert.rejects(testEach([compileRegex('(?i)copyright\\s+\\d+')], body, controller.signal), { message: 'probe timed out' });
  // The pool replaces the ended thread.
  assert.deepEqual(await testEach([compileRegex('x$')], body), [true]);
  await assert.rejects(testEach([compileRegex('x')], 'small', AbortSignal.abort(new Error('gone'))), { message: 'gone' });
});
