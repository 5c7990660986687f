import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../common/config-walk.js';
import { defaultConfig, loadConfig, parseConfig } from '../../prober/config.js';
import { formatDuration, parseDurationSeconds } from '../../common/duration.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/prober/config/', import.meta.url));

const HTTP_KEYS =
  'preferred_ip_protocol, ip_protocol_fallback, valid_status_codes, valid_http_versions, method, headers, body, follow_redirects, ' +
  'no_follow_redirects, fail_if_ssl, fail_if_not_ssl, fail_if_body_matches_regexp, fail_if_body_not_matches_regexp, fail_if_header_matches, ' +
  'fail_if_header_not_matches, tls_config, basic_auth, bearer_token, bearer_token_file, proxy_url, enable_http2, body_size_limit, compression, ' +
  'skip_resolve_phase_with_proxy';

const BAD_FILES: [string, string][] = [
  ['bad-status-codes.yml', 'bad-status-codes.yml:6: modules.http_2xx.http.valid_status_codes: expected a list of status codes or ranges, got "abc"'],
  ['bad-status-code-item.yml', 'bad-status-code-item.yml:5: modules.http_2xx.http.valid_status_codes.1: expected a status code or range such as 200, 2xx or 200-399, got 600'],
  ['bad-unknown-key.yml', `bad-unknown-key.yml:6: modules.http_2xx.http.fail_if_ssl_expired: unknown key (expected one of: ${HTTP_KEYS})`],
  ['bad-prober.yml', 'bad-prober.yml:3: modules.smtp.prober: unknown prober "smtp" (expected one of: http, tcp, dns, icmp, grpc)'],
  ['bad-missing-prober.yml', 'bad-missing-prober.yml:3: modules.nothing: prober must be set (one of: http, tcp, dns, icmp, grpc)'],
  ['bad-duration.yml', 'bad-duration.yml:4: modules.http_2xx.timeout: expected a duration such as 5s, 1m30s or 250ms, got "5 seconds"'],
  ['bad-regexp.yml', 'bad-regexp.yml:7: modules.http_2xx.http.fail_if_body_matches_regexp.1: invalid regular expression "(unclosed": missing closing ): `(unclosed`'],
  ['bad-regexp-lookahead.yml', 'bad-regexp-lookahead.yml:6: modules.banner.tcp.query_response.0.expect: invalid regular expression "^220(?=.*ESMTP)": invalid or unsupported Perl syntax: `(?=`'],
  ['bad-type.yml', 'bad-type.yml:5: modules.http_2xx.http.follow_redirects: expected true or false, got "sometimes"'],
  ['bad-tls-version.yml', 'bad-tls-version.yml:6: modules.https.http.tls_config.min_version: unknown TLS version "TLS14" (expected one of: TLS10, TLS11, TLS12, TLS13)'],
  ['bad-dns-query-name.yml', 'bad-dns-query-name.yml:5: modules.dns.dns: query_name must be set for a DNS module'],
  ['bad-dns-query-type.yml', 'bad-dns-query-type.yml:6: modules.dns.dns.query_type: unknown query type "AAAAA" (expected one of: A, AAAA, AFSDB, ANY, APL, AXFR, CAA, CDNSKEY, CDS, CERT, CNAME, DNAME, DHCID, DLV, DNSKEY, DS, HINFO, HIP, IXFR, KEY, KX, LOC, MX, NAPTR, NS, NSEC, NSEC3, NSEC3PARAM, NULL, OPT, PTR, RP, RRSIG, SIG, SOA, SPF, SRV, SSHFP, TA, TKEY, TLSA, TSIG, TXT, URI)'],
  ['bad-dns-query-class.yml', 'bad-dns-query-class.yml:6: modules.dns.dns.query_class: unknown query class "XX" (expected one of: IN, CS, CH, HS, NONE, ANY)'],
  ['bad-dns-rcode.yml', 'bad-dns-rcode.yml:6: modules.dns.dns.valid_rcodes.1: unknown rcode "NOPE" (expected one of: NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED, YXDOMAIN, YXRRSET, NXRRSET, NOTAUTH, NOTZONE)'],
  ['bad-ca-file.yml', `bad-ca-file.yml:6: modules.https.http.tls_config.ca_file: cannot read ${JSON.stringify(resolve(FIXTURES, 'does-not-exist.pem'))}: ENOENT`],
  ['bad-top-level.yml', 'bad-top-level.yml:2: modulez: unknown key (expected one of: modules, scheduler)'],
  ['bad-yaml.yml', 'bad-yaml.yml:4: invalid YAML: All mapping items must start at the same column'],
  ['bad-duplicate.yml', 'bad-duplicate.yml:4: invalid YAML: Map keys must be unique'],
  ['bad-ip-protocol.yml', 'bad-ip-protocol.yml:5: modules.tcp.tcp.preferred_ip_protocol: unknown IP protocol "ipv4" (expected one of: ip4, ip6)'],
];

for (const [file, message] of BAD_FILES) {
  test(`bad config ${file} is rejected with its exact error`, () => {
    const text = readFileSync(join(FIXTURES, file), 'utf8');
    assert.throws(
      () => parseConfig(text, file, { baseDir: FIXTURES }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.message, message);
        return true;
      },
    );
  });
}

test('a good file parses to blackbox defaults plus what it sets', async () => {
  const config = await loadConfig(join(FIXTURES, 'good.yml'));
  assert.deepEqual([...config.modules.keys()], ['http_2xx', 'http_post_json', 'tcp_banner', 'dns_a', 'icmp', 'grpc']);

  const plain = config.modules.get('http_2xx')!;
  assert.equal(plain.prober, 'http');
  assert.equal(plain.timeout, 5);
  assert.deepEqual(
    { ...plain.http, tls_config: { ...plain.http.tls_config } },
    {
      preferred_ip_protocol: 'ip6',
      ip_protocol_fallback: true,
      valid_status_codes: [],
      valid_http_versions: [],
      method: 'GET',
      headers: {},
      follow_redirects: true,
      fail_if_ssl: false,
      fail_if_not_ssl: false,
      fail_if_body_matches_regexp: [],
      fail_if_body_not_matches_regexp: [],
      fail_if_header_matches: [],
      fail_if_header_not_matches: [],
      tls_config: { insecure_skip_verify: false },
      enable_http2: true,
      body_size_limit: 0,
      compression: '',
      skip_resolve_phase_with_proxy: false,
    },
  );
  assert.equal(plain.icmp.ttl, 64);
  assert.equal(plain.dns.transport_protocol, 'udp');
  assert.equal(plain.dns.query_type, 'ANY');
  assert.equal(plain.dns.query_class, 'IN');
  assert.equal(plain.dns.recursion_desired, true);
  assert.equal(plain.grpc.tls, false);
  assert.ok(Object.isFrozen(plain) && Object.isFrozen(plain.http));

  const post = config.modules.get('http_post_json')!.http;
  assert.equal(config.modules.get('http_post_json')!.timeout, 90);
  assert.equal(post.method, 'POST');
  assert.deepEqual(post.headers, { 'Content-Type': 'application/json' });
  assert.equal(post.body, '{"ping":true}');
  assert.deepEqual(post.valid_status_codes, [{ min: 200, max: 200 }, { min: 200, max: 299 }, { min: 300, max: 399 }]);
  assert.deepEqual(post.valid_http_versions, ['HTTP/1.1', 'HTTP/2.0']);
  assert.equal(post.preferred_ip_protocol, 'ip4');
  assert.equal(post.ip_protocol_fallback, false);
  assert.equal(post.follow_redirects, false);
  assert.equal(post.fail_if_not_ssl, true);
  assert.ok(post.fail_if_body_matches_regexp[0]!.test('An ERROR happened'), 'Go inline flags');
  assert.ok(post.fail_if_body_not_matches_regexp[0]!.test('{"ok": true}'));
  assert.equal(post.fail_if_header_matches[0]!.header, 'Set-Cookie');
  assert.equal(post.fail_if_header_matches[0]!.allow_missing, true);
  assert.deepEqual(post.basic_auth, { username: 'alice', password: 'hunter2', password_file: 'secret.txt' });
  assert.deepEqual({ ...post.tls_config }, { insecure_skip_verify: true, server_name: 'panel.example', min_version: 'TLS12' });
  assert.equal(post.body_size_limit, 1024 * 1024);
  assert.equal(post.compression, 'gzip');

  const tcp = config.modules.get('tcp_banner')!.tcp;
  assert.equal(tcp.tls, true);
  assert.equal(tcp.query_response.length, 2);
  const banner = tcp.query_response[0]!.expect!;
  assert.equal(banner.expand('$version', banner.exec('SSH-2.0-OpenSSH')!), '2.0', 'Go named groups (?P<name>…)');
  assert.equal(tcp.query_response[1]!.send, 'QUIT');
  assert.equal(tcp.query_response[1]!.starttls, false);

  const dns = config.modules.get('dns_a')!;
  assert.equal(dns.timeout, 0.25);
  assert.equal(dns.dns.query_name, 'example.com');
  assert.equal(dns.dns.query_type, 'A');
  assert.equal(dns.dns.transport_protocol, 'tcp');
  assert.deepEqual(dns.dns.valid_rcodes, ['NOERROR', 'NXDOMAIN']);
  assert.ok(dns.dns.validate_answer_rrs.fail_if_not_matches_regexp[0]!.test('example.com.\t300\tIN\tA\t93.184.216.34'));

  assert.deepEqual({ ...config.modules.get('icmp')!.icmp }, { preferred_ip_protocol: 'ip6', ip_protocol_fallback: true, payload_size: 56, dont_fragment: false, ttl: 32 });
  assert.equal(config.modules.get('grpc')!.grpc.service, 'health');
  assert.equal(config.modules.get('grpc')!.grpc.tls, true);
});

test('the blackbox.yml used to capture blackbox 0.23 reference outputs loads', () => {
  const text = readFileSync(join(FIXTURES, 'blackbox-reference.yml'), 'utf8');
  const config = parseConfig(text, 'blackbox.yml');
  assert.equal(config.modules.get('http_2xx_insecure')!.http.tls_config.insecure_skip_verify, true);
  assert.equal(config.modules.get('dns')!.dns.query_name, 'localhost');
});

test('an empty file is an error as in blackbox, an empty mapping has no modules; a missing file is a ConfigError naming it', async () => {
  assert.throws(() => parseConfig('', 'empty.yml'), { name: 'ConfigError', message: 'empty.yml: error parsing config file: EOF (the file is empty or holds only comments)' });
  assert.equal(parseConfig('{}', 'empty.yml').modules.size, 0);
  await assert.rejects(loadConfig(join(FIXTURES, 'nope.yml')), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.message, `nope.yml: cannot read config file ${JSON.stringify(join(FIXTURES, 'nope.yml'))}: ENOENT`);
    return true;
  });
});

test('defaultConfig has blackbox\'s usual modules', () => {
  const config = defaultConfig();
  assert.deepEqual([...config.modules.keys()], ['http_2xx', 'tcp_connect', 'dns', 'icmp']);
  assert.equal(config.modules.get('http_2xx')!.prober, 'http');
  assert.equal(config.modules.get('dns')!.dns.query_name, '.');
  assert.equal(config.modules.get('dns')!.dns.query_type, 'NS');
});

test('Prometheus durations', () => {
  const cases: [string, number | undefined][] = [
    ['0', 0], ['5s', 5], ['250ms', 0.25], ['1m30s', 90], ['2h', 7200], ['1d', 86400], ['1w', 604800], ['1y', 31536000], ['1h1m1s1ms', 3661.001],
    ['', undefined], ['5', undefined], ['5 s', undefined], ['1s1m', undefined], ['-1s', undefined], ['1.5s', undefined],
  ];
  for (const [text, seconds] of cases) assert.equal(parseDurationSeconds(text), seconds, text);
  assert.equal(formatDuration(90), '1m30s');
  assert.equal(formatDuration(0.25), '250ms');
  assert.equal(formatDuration(5), '5s');
});
