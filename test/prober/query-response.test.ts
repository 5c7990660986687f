import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandTemplate } from '../../prober/tcp/query-response.js';
import type { QueryResponseStep } from '../../prober/tcp/config.js';
import { probeTCP } from '../../prober/tcp/probe.js';
import { sampleValue } from '../helpers/exposition.js';
import { nextLine, runProbe, startLineServer, tcpModule } from './protocol-harness.js';

function match(re: RegExp, text: string): RegExpExecArray {
  const found = re.exec(text);
  assert.ok(found, `${re} should match ${text}`);
  return found;
}

test("expandTemplate follows Go's Regexp.Expand", () => {
  const m = match(/^(\d+) (?<host>\S+) (\w+)$/, '220 mail.test ESMTP');
  assert.equal(expandTemplate('EHLO $2', m), 'EHLO mail.test');
  assert.equal(expandTemplate('EHLO ${host}', m), 'EHLO mail.test');
  assert.equal(expandTemplate('$host!', m), 'mail.test!');
  assert.equal(expandTemplate('code=${1}x', m), 'code=220x');
  // `$1x` names group "1x", which does not exist: empty, as in Go.
  assert.equal(expandTemplate('code=$1x', m), 'code=');
  assert.equal(expandTemplate('$9 $nope', m), ' ');
  assert.equal(expandTemplate('cost: $$5 $', m), 'cost: $5 $');
  assert.equal(expandTemplate('no variables', m), 'no variables');
});

const tcpSteps = (query_response: QueryResponseStep[]) => tcpModule({ query_response });

test('query_response: an SMTP-like dialogue with ${name} and $1 substitution succeeds', async (t) => {
  const received: string[] = [];
  const port = await startLineServer(t, async (socket, lines) => {
    socket.write('220 mail.test ESMTP ready\r\n');
    const ehlo = await nextLine(lines);
    received.push(ehlo ?? '');
    socket.write('250-mail.test greets you\r\n250 SIZE 1000\r\n');
    received.push((await nextLine(lines)) ?? '');
    socket.end('221 bye\r\n');
  });
  const run = await runProbe(
    probeTCP,
    `127.0.0.1:${port}`,
    tcpSteps([
      { expect: /^220 (?<host>\S+) (ESMTP)/, send: 'EHLO ${host} $2', starttls: false },
      { expect: /^250 SIZE (\d+)$/, send: 'QUIT $1', starttls: false },
      { expect: /^221/, starttls: false },
    ]),
  );
  assert.equal(run.success, true, run.log);
  assert.deepEqual(received, ['EHLO mail.test ESMTP', 'QUIT 1000']);
  assert.equal(sampleValue(run.families, 'probe_failed_due_to_regex'), 0);
});

test('query_response: the stream ends without a match: probe_failed_due_to_regex 1', async (t) => {
  const port = await startLineServer(t, async (socket) => {
    socket.end('SSH-2.0-OpenSSH_9.2\r\nno newline at the end');
  });
  const run = await runProbe(probeTCP, `127.0.0.1:${port}`, tcpSteps([{ expect: /^220 /, starttls: false }]));
  assert.equal(run.success, false);
  assert.equal(run.reason, 'query_response');
  assert.equal(sampleValue(run.families, 'probe_failed_due_to_regex'), 1);
  // Both lines were read, the unterminated last one included (bufio.Scanner does the same).
  assert.match(run.log, /OpenSSH_9\.2/);
  assert.match(run.log, /no newline at the end/);
});

test('query_response: the last line without a newline can match', async (t) => {
  const port = await startLineServer(t, async (socket) => {
    socket.end('+OK ready');
  });
  const run = await runProbe(probeTCP, `127.0.0.1:${port}`, tcpSteps([{ expect: /^\+OK/, starttls: false }]));
  assert.equal(run.success, true, run.log);
});

test('query_response: a line longer than 64 KiB fails without blaming the regex', async (t) => {
  const port = await startLineServer(t, async (socket) => {
    socket.write(`${'x'.repeat(70 * 1024)}\n`);
  });
  const run = await runProbe(probeTCP, `127.0.0.1:${port}`, tcpSteps([{ expect: /^220/, starttls: false }]), 3000);
  assert.equal(run.success, false);
  assert.equal(run.reason, 'query_response');
  assert.equal(sampleValue(run.families, 'probe_failed_due_to_regex'), 0);
  assert.match(run.log, /line too long/);
});
