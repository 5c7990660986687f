import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QueryResponseStep } from '../../prober/tcp/config.js';
import { probeTCP } from '../../prober/tcp/probe.js';
import { sampleValue } from '../helpers/exposition.js';
import { nextLine, runProbe, startLineServer, tcpModule } from './protocol-harness.js';
import { compileRegex } from '../../common/regex.js';

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
      { expect: compileRegex('^220 (?<host>\\S+) (ESMTP)'), send: 'EHLO ${host} $2', starttls: false },
      { expect: compileRegex('^250 SIZE (\\d+)$'), send: 'QUIT $1', starttls: false },
      { expect: compileRegex('^221'), starttls: false },
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
  const run = await runProbe(probeTCP, `127.0.0.1:${port}`, tcpSteps([{ expect: compileRegex('^220 '), starttls: false }]));
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
  const run = await runProbe(probeTCP, `127.0.0.1:${port}`, tcpSteps([{ expect: compileRegex('^\\+OK'), starttls: false }]));
  assert.equal(run.success, true, run.log);
});

test('query_response: a line longer than 64 KiB fails without blaming the regex', async (t) => {
  const port = await startLineServer(t, async (socket) => {
    socket.write(`${'x'.repeat(70 * 1024)}\n`);
  });
  const run = await runProbe(probeTCP, `127.0.0.1:${port}`, tcpSteps([{ expect: compileRegex('^220'), starttls: false }]), 3000);
  assert.equal(run.success, false);
  assert.equal(run.reason, 'query_response');
  assert.equal(sampleValue(run.families, 'probe_failed_due_to_regex'), 0);
  assert.match(run.log, /line too long/);
});
