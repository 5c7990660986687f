import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Answer } from 'dns-packet';
import { parseConfig } from '../../prober/config.js';
import { probeDNS } from '../../prober/dns/probe.js';
import { probe } from '../../prober/probe.js';
import { rrText } from '../../prober/dns/rr-text.js';
import type { DNSProbeConfig, DNSRRValidator } from '../../prober/dns/config.js';
import { reply, startDnsServer, staticZone } from '../helpers/dns-server.js';
import { sampleValue } from '../helpers/exposition.js';
import { createTestCA, tempDir } from '../helpers/tls.js';
import { comparable, familyNames, moduleWith, NO_TLS, probeText, runProbe, startBlackbox } from './protocol-harness.js';
import { compileRegex } from '../../common/regex.js';

const noChecks = (): DNSRRValidator => ({
  fail_if_matches_regexp: [],
  fail_if_all_match_regexp: [],
  fail_if_not_matches_regexp: [],
  fail_if_none_matches_regexp: [],
});

function dnsModule(overrides: Partial<DNSProbeConfig> = {}) {
  return moduleWith('dns', {
    preferred_ip_protocol: 'ip4',
    ip_protocol_fallback: true,
    transport_protocol: 'udp',
    dns_over_tls: false,
    tls_config: NO_TLS,
    query_name: 'localhost',
    query_type: 'A',
    query_class: 'IN',
    recursion_desired: true,
    valid_rcodes: ['NOERROR'],
    validate_answer_rrs: noChecks(),
    validate_authority_rrs: noChecks(),
    validate_additional_rrs: noChecks(),
    ...overrides,
  });
}

const ZONE: Answer[] = [
  { name: 'localhost', type: 'A', ttl: 300, class: 'IN', data: '127.0.0.1' },
  { name: 'example.test', type: 'A', ttl: 60, class: 'IN', data: '127.0.0.2' },
  { name: 'example.test', type: 'A', ttl: 60, class: 'IN', data: '127.0.0.3' },
  {
    name: 'example.test',
    type: 'SOA',
    ttl: 3600,
    class: 'IN',
    data: { mname: 'ns1.example.test', rname: 'hostmaster.example.test', serial: 2024010101, refresh: 7200, retry: 900, expire: 1209600, minimum: 300 },
  },
];

// blackbox 0.23's dns families (as its /probe answers) without probe_success and
// probe_duration_seconds, which probe() adds around every prober.
const BLACKBOX_DNS_FAMILIES = [
  'probe_dns_additional_rrs',
  'probe_dns_answer_rrs',
  'probe_dns_authority_rrs',
  'probe_dns_duration_seconds',
  'probe_dns_lookup_time_seconds',
  'probe_dns_query_succeeded',
  'probe_ip_addr_hash',
  'probe_ip_protocol',
];

for (const transport of ['udp', 'tcp'] as const) {
  test(`dns over ${transport}: an A answer succeeds with blackbox's families`, async (t) => {
    const server = await startDnsServer(t, staticZone(ZONE));
    const run = await runProbe(probeDNS, `127.0.0.1:${server.port}`, dnsModule({ transport_protocol: transport }));
    assert.equal(run.success, true, run.log);
    assert.equal(run.reason, undefined);
    assert.deepEqual(familyNames(run), BLACKBOX_DNS_FAMILIES);
    assert.equal(sampleValue(run.families, 'probe_dns_answer_rrs'), 1);
    assert.equal(sampleValue(run.families, 'probe_dns_authority_rrs'), 0);
    assert.equal(sampleValue(run.families, 'probe_dns_additional_rrs'), 0);
    assert.equal(sampleValue(run.families, 'probe_dns_query_succeeded'), 1);
    assert.equal(sampleValue(run.families, 'probe_ip_protocol'), 4);
    assert.deepEqual(
      run.families.get('probe_dns_duration_seconds')?.samples.map((sample) => sample.labels.phase).sort(),
      ['connect', 'request', 'resolve'],
    );
    assert.equal(server.queries.length, 1);
    const seen = server.queries[0]!;
    assert.equal(seen.transport, transport);
    assert.equal(seen.query.questions?.[0]?.name, 'localhost');
    assert.equal(seen.query.questions?.[0]?.type, 'A');
    assert.equal(seen.query.flag_rd, true);
  });
}

test('dns: recursion_desired false clears the RD bit', async (t) => {
  const server = await startDnsServer(t, staticZone(ZONE));
  const run = await runProbe(probeDNS, `127.0.0.1:${server.port}`, dnsModule({ recursion_desired: false }));
  assert.equal(run.success, true, run.log);
  assert.equal(server.queries[0]?.query.flag_rd, false);
});

test('dns: an rcode outside valid_rcodes fails with dns_rcode, the query itself succeeded', async (t) => {
  const server = await startDnsServer(t, staticZone(ZONE));
  const run = await runProbe(probeDNS, `127.0.0.1:${server.port}`, dnsModule({ query_name: 'missing.test' }));
  assert.equal(run.success, false);
  assert.equal(run.reason, 'dns_rcode');
  assert.equal(sampleValue(run.families, 'probe_dns_query_succeeded'), 1);
  assert.equal(sampleValue(run.families, 'probe_dns_answer_rrs'), 0);
  assert.match(run.log, /Rcode is not one of the valid rcodes/);

  const accepted = await runProbe(probeDNS, `127.0.0.1:${server.port}`, dnsModule({ query_name: 'missing.test', valid_rcodes: ['NOERROR', 'NXDOMAIN'] }));
  assert.equal(accepted.success, true, accepted.log);
});

test('dns: answer validators match the miekg text form of each RR', async (t) => {
  const server = await startDnsServer(t, staticZone(ZONE));
  const target = `127.0.0.1:${server.port}`;
  const exact = compileRegex('^localhost\\.\t300\tIN\tA\t127\\.0\\.0\\.1$');
  const validate = (checks: Partial<DNSRRValidator>, query_name = 'localhost') =>
    runProbe(probeDNS, target, dnsModule({ query_name, validate_answer_rrs: { ...noChecks(), ...checks } }));

  assert.equal((await validate({ fail_if_not_matches_regexp: [exact] })).success, true);
  const matched = await validate({ fail_if_matches_regexp: [exact] });
  assert.equal(matched.success, false);
  assert.equal(matched.reason, 'dns_answer');
  assert.match(matched.log, /At least one RR matched regexp/);

  // Two A answers, 127.0.0.2 and 127.0.0.3.
  assert.equal((await validate({ fail_if_none_matches_regexp: [compileRegex('127\\.0\\.0\\.3$')] }, 'example.test')).success, true);
  assert.equal((await validate({ fail_if_none_matches_regexp: [compileRegex('127\\.0\\.0\\.9$')] }, 'example.test')).success, false);
  assert.equal((await validate({ fail_if_not_matches_regexp: [compileRegex('127\\.0\\.0\\.2$')] }, 'example.test')).success, false);
  // blackbox fails fail_if_all_match_regexp when not every RR matches (its code, kept as is).
  assert.equal((await validate({ fail_if_all_match_regexp: [compileRegex('127\\.0\\.0\\.[23]$')] }, 'example.test')).success, true);
  assert.equal((await validate({ fail_if_all_match_regexp: [compileRegex('127\\.0\\.0\\.2$')] }, 'example.test')).success, false);
});

test('dns: authority validators, and a required match on an empty section fails', async (t) => {
  const ns: Answer = { name: 'example.test', type: 'NS', ttl: 60, class: 'IN', data: 'ns1.example.test' };
  const server = await startDnsServer(t, (query) => reply(query, { authorities: [ns] }));
  const target = `127.0.0.1:${server.port}`;
  const withChecks = (authority: Partial<DNSRRValidator>, additional: Partial<DNSRRValidator> = {}) =>
    dnsModule({ validate_authority_rrs: { ...noChecks(), ...authority }, validate_additional_rrs: { ...noChecks(), ...additional } });

  const good = await runProbe(probeDNS, target, withChecks({ fail_if_not_matches_regexp: [compileRegex('\\tNS\\tns1\\.example\\.test\\.$')] }));
  assert.equal(good.success, true, good.log);
  assert.equal(sampleValue(good.families, 'probe_dns_authority_rrs'), 1);
  const empty = await runProbe(probeDNS, target, withChecks({}, { fail_if_none_matches_regexp: [compileRegex('.')] }));
  assert.equal(empty.success, false);
  assert.equal(empty.reason, 'dns_answer');
  assert.match(empty.log, /no RRs returned/);
});

test('dns: an SOA query exports probe_dns_serial', async (t) => {
  const server = await startDnsServer(t, staticZone(ZONE));
  const run = await runProbe(probeDNS, `127.0.0.1:${server.port}`, dnsModule({ query_name: 'example.test', query_type: 'SOA' }));
  assert.equal(run.success, true, run.log);
  assert.equal(sampleValue(run.families, 'probe_dns_serial'), 2024010101);
  const aQuery = await runProbe(probeDNS, `127.0.0.1:${server.port}`, dnsModule());
  assert.equal(aQuery.families.has('probe_dns_serial'), false);
});

for (const transport of ['udp', 'tcp'] as const) {
  test(`dns over ${transport}: a closed port fails with connect_refused and keeps every family`, async (t) => {
    const server = await startDnsServer(t, staticZone(ZONE));
    await server.close();
    const run = await runProbe(probeDNS, `127.0.0.1:${server.port}`, dnsModule({ transport_protocol: transport }));
    assert.equal(run.success, false);
    assert.equal(run.reason, 'connect_refused');
    assert.ok(run.elapsedMs < 2000, `took ${run.elapsedMs} ms`);
    assert.deepEqual(familyNames(run), BLACKBOX_DNS_FAMILIES);
    assert.equal(sampleValue(run.families, 'probe_dns_query_succeeded'), 0);
  });
}

test('rrText prints records as miekg/dns does', () => {
  const cases: [Answer, string][] = [
    [{ name: 'localhost', type: 'A', ttl: 300, class: 'IN', data: '127.0.0.1' }, 'localhost.\t300\tIN\tA\t127.0.0.1'],
    [{ name: 'v6.test', type: 'AAAA', ttl: 5, class: 'IN', data: '::1' }, 'v6.test.\t5\tIN\tAAAA\t::1'],
    [{ name: 'www.test', type: 'CNAME', ttl: 60, class: 'IN', data: 'web.test' }, 'www.test.\t60\tIN\tCNAME\tweb.test.'],
    [{ name: 'test', type: 'MX', ttl: 60, class: 'IN', data: { preference: 10, exchange: 'mail.test' } }, 'test.\t60\tIN\tMX\t10 mail.test.'],
    [{ name: 'test', type: 'TXT', ttl: 60, class: 'IN', data: ['v=spf1 -all', 'say "hi"\\'] }, 'test.\t60\tIN\tTXT\t"v=spf1 -all" "say \\"hi\\"\\\\"'],
    [
      { name: '_sip._tcp.test', type: 'SRV', ttl: 60, class: 'IN', data: { priority: 1, weight: 2, port: 5060, target: 'sip.test' } },
      '_sip._tcp.test.\t60\tIN\tSRV\t1 2 5060 sip.test.',
    ],
    [
      { name: 'test', type: 'SOA', ttl: 3600, class: 'IN', data: { mname: 'ns1.test', rname: 'hostmaster.test', serial: 7, refresh: 7200, retry: 900, expire: 1209600, minimum: 300 } },
      'test.\t3600\tIN\tSOA\tns1.test. hostmaster.test. 7 7200 900 1209600 300',
    ],
    [{ name: 'test', type: 'CAA', ttl: 60, class: 'IN', data: { flags: 0, tag: 'issue', value: 'letsencrypt.org' } }, 'test.\t60\tIN\tCAA\t0 issue "letsencrypt.org"'],
    [{ name: 'test', type: 'NULL', ttl: 60, class: 'IN', data: Buffer.from([0xab, 0x01]) }, 'test.\t60\tIN\tNULL\t\\# 2 ab01'],
  ];
  for (const [rr, expected] of cases) assert.equal(rrText(rr), expected);
});

test('dns through probe(): the families of blackbox 0.23 for the reference dns module', async (t) => {
  const server = await startDnsServer(t, staticZone(ZONE));
  const yaml = [
    'modules:',
    '  dns:',
    '    prober: dns',
    '    timeout: 5s',
    '    dns:',
    '      query_name: localhost',
    '      query_type: A',
    '      transport_protocol: udp',
    '      preferred_ip_protocol: ip4',
    '      valid_rcodes: [NOERROR]',
    '',
  ].join('\n');
  const result = await probe({ target: `127.0.0.1:${server.port}`, module: 'dns', config: parseConfig(yaml, 'blackbox.yml') });
  assert.equal(result.success, true);
  // blackbox 0.23's dns families
  assert.deepEqual([...result.families.byName.keys()].sort(), [...BLACKBOX_DNS_FAMILIES, 'probe_duration_seconds', 'probe_success'].sort());
});

test('dns over TLS: a trusted server answers; an untrusted one fails with tls', async (t) => {
  const ca = createTestCA(tempDir(t));
  const server = await startDnsServer(t, staticZone(ZONE), { tls: ca.issue({ notAfter: new Date('2030-01-01T00:00:00Z') }) });
  const target = `127.0.0.1:${server.port}`;
  const trusted = await runProbe(probeDNS, target, dnsModule({ transport_protocol: 'tcp', dns_over_tls: true, tls_config: { insecure_skip_verify: false, ca: ca.cert } }));
  assert.equal(trusted.success, true, trusted.log);
  assert.equal(sampleValue(trusted.families, 'probe_dns_answer_rrs'), 1);
  assert.equal(server.queries[0]?.transport, 'tcp');
  const untrusted = await runProbe(probeDNS, target, dnsModule({ transport_protocol: 'tcp', dns_over_tls: true }));
  assert.equal(untrusted.success, false);
  assert.equal(untrusted.reason, 'tls');
});

test('dns: query types and classes dns-packet cannot name still go out with their numbers', async (t) => {
  const server = await startDnsServer(t, (query) => reply(query));
  const run = await runProbe(probeDNS, `127.0.0.1:${server.port}`, dnsModule({ query_name: 'example.test', query_type: 'URI', query_class: 'NONE' }));
  assert.equal(run.success, true, run.log);
  const question = server.queries[0]?.query.questions?.[0];
  assert.equal(question?.name, 'example.test');
  assert.equal(question?.type as string, 'UNKNOWN_256');
  assert.equal(question?.class as string, 'UNKNOWN_254');
});

test('dns: same families, labels and values as blackbox_exporter 0.23 on the same server', async (t) => {
  const yaml = [
    'modules:',
    '  a_udp: {prober: dns, timeout: 3s, dns: {preferred_ip_protocol: ip4, query_name: example.test, query_type: A}}',
    '  a_tcp: {prober: dns, timeout: 3s, dns: {preferred_ip_protocol: ip4, query_name: example.test, query_type: A, transport_protocol: tcp}}',
    '  soa: {prober: dns, timeout: 3s, dns: {preferred_ip_protocol: ip4, query_name: example.test, query_type: SOA}}',
    '  nxdomain: {prober: dns, timeout: 3s, dns: {preferred_ip_protocol: ip4, query_name: missing.test, query_type: A}}',
    '  any: {prober: dns, timeout: 3s, dns: {preferred_ip_protocol: ip4, query_name: example.test}}',
    '  validated:',
    '    prober: dns',
    '    timeout: 3s',
    '    dns:',
    '      preferred_ip_protocol: ip4',
    '      query_name: example.test',
    '      query_type: A',
    '      validate_answer_rrs:',
    '        fail_if_none_matches_regexp: ["^example\\\\.test\\\\.\\t60\\tIN\\tA\\t127\\\\.0\\\\.0\\\\.3$"]',
    '      validate_authority_rrs:',
    '        fail_if_matches_regexp: ["."]',
    '',
  ].join('\n');
  const blackbox = await startBlackbox(t, yaml);
  const server = await startDnsServer(t, staticZone(ZONE));
  const target = `127.0.0.1:${server.port}`;
  for (const module of ['a_udp', 'a_tcp', 'soa', 'nxdomain', 'any', 'validated']) {
    const ours = await probeText(yaml, module, target);
    assert.deepEqual(comparable(ours), comparable(await blackbox(module, target)), module);
  }
  // The exact miekg text of an RR (tabs included) matched on both sides.
  assert.equal(sampleValue(await probeText(yaml, 'validated', target), 'probe_success'), 1);
  assert.equal(sampleValue(await probeText(yaml, 'a_udp', target), 'probe_success'), 1);
});
