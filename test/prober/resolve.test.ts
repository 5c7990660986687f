import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../../common/logging.js';
import { MetricFamilies, renderText } from '../../common/metrics.js';
import type { AddressSelection } from '../../prober/net/config.js';
import { DEFAULT_POLICY } from '../../prober/net/policy.js';
import { chooseProtocol, ipHash } from '../../prober/net/resolve.js';
import { ProbeError, type ProbeContext } from '../../prober/types.js';
import { sampleValue } from '../helpers/exposition.js';

function context(signal = new AbortController().signal): ProbeContext {
  return { signal, logger: silentLogger(), policy: DEFAULT_POLICY };
}

const IP6_FALLBACK: AddressSelection = { preferred_ip_protocol: 'ip6', ip_protocol_fallback: true };

test('ipHash is FNV-1a over the address bytes (4 for IPv4)', () => {
  assert.equal(ipHash('127.0.0.1'), 3668918509); // blackbox 0.23 reference output
  assert.equal(ipHash('::ffff:127.0.0.1'), 3668918509);
  assert.equal(ipHash('10.0.0.1'), 1817209388);
  assert.equal(ipHash('::1'), 1751717746);
});

test('a literal is used as is, falling back to its family, with the three families', async () => {
  const sink = new MetricFamilies();
  const resolved = await chooseProtocol('127.0.0.1', IP6_FALLBACK, sink, context());
  assert.deepEqual({ ip: resolved.ip, family: resolved.family }, { ip: '127.0.0.1', family: 4 });
  const text = renderText(sink.families());
  assert.equal(sampleValue(text, 'probe_ip_protocol'), 4);
  assert.equal(sampleValue(text, 'probe_ip_addr_hash'), 3668918509);
  assert.ok(sampleValue(text, 'probe_dns_lookup_time_seconds')! >= 0);

  const v6 = await chooseProtocol('[::1]', IP6_FALLBACK, new MetricFamilies(), context());
  assert.deepEqual({ ip: v6.ip, family: v6.family }, { ip: '::1', family: 6 });
  const decimal = await chooseProtocol('2130706433', IP6_FALLBACK, new MetricFamilies(), context());
  assert.equal(decimal.ip, '127.0.0.1');
});

test('without fallback, an address of the other family fails with reason dns and zeroed families', async () => {
  const sink = new MetricFamilies();
  await assert.rejects(
    chooseProtocol('127.0.0.1', { preferred_ip_protocol: 'ip6', ip_protocol_fallback: false }, sink, context()),
    (error: unknown) => error instanceof ProbeError && error.reason === 'dns' && error.message === 'unable to find an ip6 address for 127.0.0.1; no fallback',
  );
  const text = renderText(sink.families());
  assert.equal(sampleValue(text, 'probe_ip_protocol'), 0);
  assert.equal(sampleValue(text, 'probe_ip_addr_hash'), 0);
  assert.notEqual(sampleValue(text, 'probe_dns_lookup_time_seconds'), undefined);
});

test('names are resolved (from /etc/hosts here) in the preferred family', async () => {
  const resolved = await chooseProtocol('localhost', { preferred_ip_protocol: 'ip4', ip_protocol_fallback: false }, new MetricFamilies(), context());
  assert.deepEqual({ ip: resolved.ip, family: resolved.family }, { ip: '127.0.0.1', family: 4 });
});

test('an aborted signal stops resolution with reason timeout', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    chooseProtocol('localhost', IP6_FALLBACK, new MetricFamilies(), context(controller.signal)),
    (error: unknown) => error instanceof ProbeError && error.reason === 'timeout',
  );
});
