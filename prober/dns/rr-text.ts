/**
 * Resource records as text, in the presentation format Go's miekg/dns prints (`rr.String()`),
 * because blackbox's validate_*_rrs regexes are written against that text:
 * `localhost.\t300\tIN\tA\t127.0.0.1`.
 */
import type { Answer } from 'dns-packet';

function fqdn(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

/** miekg's sprintTxt: every string quoted; quote and backslash escaped, unprintable bytes as \DDD. */
function quoted(text: string | Buffer): string {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  let out = '"';
  for (const byte of bytes) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte < 0x20 || byte > 0x7e) out += `\\${String(byte).padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return `${out}"`;
}

/** dns-packet names unknown types and classes UNKNOWN_n; miekg prints TYPEn and CLASSn. */
function typeName(type: string): string {
  return type.startsWith('UNKNOWN_') ? `TYPE${type.slice(8)}` : type;
}

function className(klass: string | undefined): string {
  if (klass === undefined) return 'IN';
  return klass.startsWith('UNKNOWN_') ? `CLASS${klass.slice(8)}` : klass;
}

function fieldText(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('hex').toUpperCase();
  if (Array.isArray(value)) return value.map(fieldText).join(' ');
  return String(value);
}

function rdataText(rr: Exclude<Answer, { type: 'OPT' }>): string {
  switch (rr.type) {
    case 'A':
    case 'AAAA':
      return rr.data;
    case 'CNAME':
    case 'DNAME':
    case 'NS':
    case 'PTR':
      return fqdn(rr.data);
    case 'MX':
      return `${rr.data.preference ?? 0} ${fqdn(rr.data.exchange)}`;
    case 'SRV':
      return `${rr.data.priority ?? 0} ${rr.data.weight ?? 0} ${rr.data.port} ${fqdn(rr.data.target)}`;
    case 'SOA': {
      const soa = rr.data;
      return `${fqdn(soa.mname)} ${fqdn(soa.rname)} ${soa.serial ?? 0} ${soa.refresh ?? 0} ${soa.retry ?? 0} ${soa.expire ?? 0} ${soa.minimum ?? 0}`;
    }
    case 'TXT': {
      const strings = Array.isArray(rr.data) ? rr.data : [rr.data];
      return strings.map(quoted).join(' ');
    }
    case 'HINFO':
      return `${quoted(rr.data.cpu)} ${quoted(rr.data.os)}`;
    case 'CAA':
      return `${rr.data.flags ?? (rr.data.issuerCritical === true ? 128 : 0)} ${rr.data.tag} ${quoted(rr.data.value)}`;
    default: {
      const data: unknown = rr.data;
      // Types dns-packet leaves raw print as RFC 3597 does; the rest field by field, in wire order.
      if (Buffer.isBuffer(data)) return `\\# ${data.length} ${data.toString('hex')}`;
      if (data !== null && typeof data === 'object') return Object.values(data).map(fieldText).join(' ');
      return String(data);
    }
  }
}

export function rrText(rr: Answer): string {
  if (rr.type === 'OPT') {
    return `\n;; OPT PSEUDOSECTION:\n; EDNS: version ${rr.ednsVersion}; flags:${rr.flag_do ? ' do' : ''}; udp: ${rr.udpPayloadSize}`;
  }
  return `${fqdn(rr.name)}\t${rr.ttl ?? 0}\t${className(rr.class)}\t${typeName(rr.type)}\t${rdataText(rr)}`;
}
