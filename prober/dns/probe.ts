/**
 * The dns prober (blackbox's dns.go): one query to the target server over UDP or TCP (or TCP+TLS),
 * then the rcode and RR validators. Families are blackbox 0.23's, all present on every outcome.
 */
import { randomInt } from 'node:crypto';
import dnsPacket, { type Answer, type DecodedPacket, type Packet, type RecordClass, type RecordType } from 'dns-packet';
import { describeMetric, type MetricSink } from '../../common/metrics.js';
import { parsePort, splitHostPort } from '../net/host-port.js';
import { chooseProtocol } from '../net/resolve.js';
import { ProbeError, type ProbeContext, type ProbeFn } from '../types.js';
import { DNS_RCODES, type DNSProbeConfig } from './config.js';
import { exchange, ExchangeError } from './exchange.js';
import { rrText } from './rr-text.js';
import { validRcode, validRRs } from './validate.js';

const probeDNSDurationSeconds = describeMetric('probe_dns_duration_seconds', 'Duration of DNS request by phase', 'gauge', ['phase']);
const probeDNSAnswerRRs = describeMetric('probe_dns_answer_rrs', 'Returns number of entries in the answer resource record list', 'gauge');
const probeDNSAuthorityRRs = describeMetric(
  'probe_dns_authority_rrs',
  'Returns number of entries in the authority resource record list',
  'gauge',
);
const probeDNSAdditionalRRs = describeMetric(
  'probe_dns_additional_rrs',
  'Returns number of entries in the additional resource record list',
  'gauge',
);
const probeDNSQuerySucceeded = describeMetric(
  'probe_dns_query_succeeded',
  'Displays whether or not the query was executed successfully',
  'gauge',
);
const probeDNSSerial = describeMetric('probe_dns_serial', 'Returns the serial number of the zone', 'gauge');

function rcodeName(response: DecodedPacket): string {
  const rcode = (response.flags ?? 0) & 0xf;
  return DNS_RCODES[rcode] ?? `RCODE${rcode}`;
}

interface Outcome {
  resolveSeconds: number;
  connectSeconds: number;
  requestSeconds: number;
  response?: DecodedPacket;
}

function addMetrics(sink: MetricSink, outcome: Outcome, queryType: string): void {
  const { response } = outcome;
  sink.add(probeDNSDurationSeconds, outcome.connectSeconds, ['connect']);
  sink.add(probeDNSDurationSeconds, outcome.requestSeconds, ['request']);
  sink.add(probeDNSDurationSeconds, outcome.resolveSeconds, ['resolve']);
  sink.add(probeDNSAnswerRRs, response?.answers?.length ?? 0);
  sink.add(probeDNSAuthorityRRs, response?.authorities?.length ?? 0);
  sink.add(probeDNSAdditionalRRs, response?.additionals?.length ?? 0);
  sink.add(probeDNSQuerySucceeded, response === undefined ? 0 : 1);
  if (response !== undefined && queryType === 'SOA') {
    // Registered whenever SOA was asked, 0 unless the answer holds one (as blackbox).
    let serial = 0;
    for (const answer of response.answers ?? []) if (answer.type === 'SOA') serial = answer.data.serial ?? 0;
    sink.add(probeDNSSerial, serial);
  }
}

/** The server's address: `host:port`, `[v6]:port`, or a bare host with the default port. */
function serverOf(target: string, config: DNSProbeConfig): { host: string; port: string } {
  try {
    return splitHostPort(target);
  } catch {
    return { host: target.startsWith('[') && target.endsWith(']') ? target.slice(1, -1) : target, port: config.dns_over_tls ? '853' : '53' };
  }
}

// Names blackbox accepts that dns-packet cannot encode; their numbers are patched into the question.
const EXTRA_TYPES: Readonly<Record<string, number>> = { URI: 256 };
const EXTRA_CLASSES: Readonly<Record<string, number>> = { NONE: 254 };

/**
 * The query in wire format (with the 2-byte length prefix for TCP): one question, nothing else, so
 * QTYPE and QCLASS are its last 4 bytes.
 */
function buildQuery(config: DNSProbeConfig): { id: number; wire: Buffer } {
  const packet: Packet = {
    id: randomInt(0, 0x10000),
    type: 'query',
    flags: config.recursion_desired ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ name: config.query_name, type: config.query_type as RecordType, class: config.query_class as RecordClass }],
  };
  const wire = config.transport_protocol === 'tcp' ? dnsPacket.streamEncode(packet) : dnsPacket.encode(packet);
  const extraType = EXTRA_TYPES[config.query_type];
  const extraClass = EXTRA_CLASSES[config.query_class];
  if (extraType !== undefined) wire.writeUInt16BE(extraType, wire.length - 4);
  if (extraClass !== undefined) wire.writeUInt16BE(extraClass, wire.length - 2);
  return { id: packet.id ?? 0, wire };
}

function checkSections(response: DecodedPacket, config: DNSProbeConfig, context: ProbeContext): void {
  const text = (rrs: Answer[] | undefined): string[] => (rrs ?? []).map(rrText);
  if (!validRcode(rcodeName(response), config.valid_rcodes, context.logger)) throw new ProbeError('dns_rcode', `invalid rcode ${rcodeName(response)}`);
  const sections: [string, Answer[] | undefined, DNSProbeConfig['validate_answer_rrs']][] = [
    ['answer', response.answers, config.validate_answer_rrs],
    ['authority', response.authorities, config.validate_authority_rrs],
    ['additional', response.additionals, config.validate_additional_rrs],
  ];
  for (const [name, rrs, validator] of sections) {
    context.logger.info(`Validating ${name} RRs`);
    if (!validRRs(name, text(rrs), validator, context.logger)) throw new ProbeError('dns_answer', `${name} RRs validation failed`);
  }
}

export const probeDNS: ProbeFn = async (target, module, sink, context) => {
  const config = module.dns;
  const outcome: Outcome = { resolveSeconds: 0, connectSeconds: 0, requestSeconds: 0 };
  try {
    if (config.dns_over_tls && config.transport_protocol !== 'tcp') {
      throw new ProbeError('internal', `Configuration error: DNS over TLS needs transport_protocol tcp, not ${config.transport_protocol}`);
    }
    const server = serverOf(target, config);
    const port = parsePort(server.port);
    if (port === undefined) throw new ProbeError('internal', `invalid port ${JSON.stringify(server.port)} in target ${target}`);
    const resolved = await chooseProtocol(server.host, config, sink, context);
    outcome.resolveSeconds = resolved.lookupSeconds;
    const query = buildQuery(config);
    context.logger.info(
      { target: `${resolved.family === 6 ? `[${resolved.ip}]` : resolved.ip}:${port}`, transport: config.transport_protocol, query: config.query_name, type: config.query_type, class: config.query_class },
      'Making DNS query',
    );
    const result = await exchange({
      ip: resolved.ip,
      family: resolved.family,
      port,
      transport: config.transport_protocol,
      tls: config.dns_over_tls ? { config: config.tls_config, host: server.host } : undefined,
      sourceAddress: config.source_ip_address,
      query: query.wire,
      id: query.id,
      signal: context.signal,
    });
    Object.assign(outcome, result);
    context.logger.info({ rcode: rcodeName(result.response), answers: result.response.answers?.map(rrText) }, 'Got response');
    checkSections(result.response, config, context);
  } catch (error) {
    if (error instanceof ExchangeError) {
      outcome.connectSeconds = error.connectSeconds;
      outcome.requestSeconds = error.requestSeconds;
    }
    throw error;
  } finally {
    addMetrics(sink, outcome, config.query_type);
  }
};
