/**
 * /proc/PID/mountstats: one `device SOURCE mounted on MOUNTPOINT with fstype TYPE [statvers=V]` line per
 * mount, in mountinfo's order; NFS mounts follow it with an indented block (opts, age, events, bytes,
 * xprt lines, then `per-op statistics` and one line per RPC operation) that ends at a blank line.
 * Fields the collector exports are named; the rest (RDMA chunk counts, per-op errors) are not kept.
 */
import { decimal, fieldsOf } from './fields.js';

const BYTES_FIELDS = ['read', 'write', 'directRead', 'directWrite', 'readTotal', 'writeTotal', 'readPages', 'writePages'] as const;

const EVENTS_FIELDS = [
  'inodeRevalidate', 'dnodeRevalidate', 'dataInvalidate', 'attributeInvalidate', 'vfsOpen', 'vfsLookup', 'vfsAccess', 'vfsUpdatePage',
  'vfsReadPage', 'vfsReadPages', 'vfsWritePage', 'vfsWritePages', 'vfsGetdents', 'vfsSetattr', 'vfsFlush', 'vfsFsync', 'vfsLock',
  'vfsFileRelease', 'congestionWait', 'truncation', 'writeExtension', 'sillyRename', 'shortRead', 'shortWrite', 'jukeboxDelay',
  'pnfsRead', 'pnfsWrite',
] as const;

/** The xprt fields kept; a layout leaves out the ones its protocol does not print (they read 0). */
const TRANSPORT_FIELDS = [
  'port', 'bind', 'connect', 'connectIdleTime', 'idleTimeSeconds', 'sends', 'receives', 'badTransactionIds',
  'cumulativeActiveRequests', 'cumulativeBacklog', 'maximumRpcSlotsUsed', 'cumulativeSendingQueue', 'cumulativePendingQueue',
] as const;

const OPERATION_FIELDS = [
  'requests', 'transmissions', 'majorTimeouts', 'bytesSent', 'bytesReceived', 'queueMilliseconds', 'responseMilliseconds', 'requestMilliseconds',
] as const;

type TransportField = (typeof TRANSPORT_FIELDS)[number];

const TCP_10: readonly TransportField[] = TRANSPORT_FIELDS.slice(0, 10);
const UDP_10: readonly TransportField[] = ['port', 'bind', 'sends', 'receives', 'badTransactionIds', 'cumulativeActiveRequests', 'cumulativeBacklog'];
const SLOTS_11: readonly TransportField[] = ['maximumRpcSlotsUsed', 'cumulativeSendingQueue', 'cumulativePendingQueue'];

/** Per stat version and protocol: the fields in order, and whether more may follow (RDMA's chunk counts). */
const TRANSPORT_LAYOUTS: Readonly<Record<string, Readonly<Record<string, { fields: readonly TransportField[]; count: number; atLeast?: boolean }>>>> = {
  '1.0': { tcp: { fields: TCP_10, count: 10 }, udp: { fields: UDP_10, count: 7 } },
  '1.1': {
    tcp: { fields: [...TCP_10, ...SLOTS_11], count: 13 },
    udp: { fields: [...UDP_10, ...SLOTS_11], count: 10 },
    rdma: { fields: TCP_10, count: 20, atLeast: true },
  },
};

export type NfsBytes = Record<(typeof BYTES_FIELDS)[number], number>;
export type NfsEvents = Record<(typeof EVENTS_FIELDS)[number], number>;
export type NfsTransport = Record<TransportField, number> & { protocol: string };

export type NfsOperation = Record<(typeof OPERATION_FIELDS)[number], number> & { operation: string };

export interface NfsMountStats {
  statVersion: string;
  ageSeconds: number;
  bytes: NfsBytes;
  events: NfsEvents;
  transports: NfsTransport[];
  operations: NfsOperation[];
}

export interface MountStatsEntry {
  /** As printed (octal escapes kept), as node_exporter's `export` and `mountpoint` labels are. */
  device: string;
  mountPoint: string;
  fsType: string;
  /** Present for NFS mounts that print statistics. */
  nfs?: NfsMountStats;
}

function zeros<const Names extends readonly string[]>(names: Names): Record<Names[number], number> {
  return Object.fromEntries(names.map((name) => [name, 0])) as Record<Names[number], number>;
}

function named<const Names extends readonly string[]>(names: Names, tokens: string[], where: string): Record<Names[number], number> {
  if (tokens.length !== names.length) throw new Error(`${where}: expected ${names.length} values, got ${tokens.length}`);
  return Object.fromEntries(names.map((name, i) => [name, decimal(tokens[i], where)])) as Record<Names[number], number>;
}

function parseTransport(tokens: string[], statVersion: string, where: string): NfsTransport {
  const [protocol = '', ...values] = tokens;
  const layout = TRANSPORT_LAYOUTS[statVersion]?.[protocol];
  if (layout === undefined) throw new Error(`${where}: no transport layout for protocol "${protocol}" in statvers ${statVersion}`);
  if (layout.atLeast === true ? values.length < layout.count : values.length !== layout.count) {
    throw new Error(`${where}: expected ${layout.atLeast === true ? 'at least ' : ''}${layout.count} values for ${protocol}, got ${values.length}`);
  }
  const transport: NfsTransport = { protocol, ...zeros(TRANSPORT_FIELDS) };
  layout.fields.forEach((name, i) => (transport[name] = decimal(values[i], where)));
  return transport;
}

function parseOperation(tokens: string[], where: string): NfsOperation {
  const [name = '', ...counts] = tokens;
  // Kernels since 5.x print a ninth counter, errors.
  if (counts.length < OPERATION_FIELDS.length) throw new Error(`${where}: expected "OPERATION: ${OPERATION_FIELDS.length} or more counters", got ${counts.length} counters`);
  return { operation: name.endsWith(':') ? name.slice(0, -1) : name, ...named(OPERATION_FIELDS, counts.slice(0, OPERATION_FIELDS.length), where) };
}

/** Parses the NFS block starting at `lines[start]`; returns the stats and the index of the line that ended it. */
function parseNfsBlock(lines: string[], start: number, statVersion: string, source: string): [NfsMountStats, number] {
  const stats: NfsMountStats = {
    statVersion,
    ageSeconds: 0,
    bytes: zeros(BYTES_FIELDS),
    events: zeros(EVENTS_FIELDS),
    transports: [],
    operations: [],
  };
  let i = start;
  let perOp = false;
  for (; i < lines.length; i++) {
    const tokens = fieldsOf(lines[i] as string);
    const where = `${source} line ${i + 1}`;
    if (tokens.length === 0 || tokens[0] === 'device') break;
    if (perOp) {
      stats.operations.push(parseOperation(tokens, where));
      continue;
    }
    const [key, ...values] = tokens;
    if (key === 'age:') stats.ageSeconds = decimal(values[0], where);
    else if (key === 'bytes:') stats.bytes = named(BYTES_FIELDS, values, where);
    else if (key === 'events:') stats.events = named(EVENTS_FIELDS, values, where);
    else if (key === 'xprt:') stats.transports.push(parseTransport(values, statVersion, where));
    else if (key === 'per-op') perOp = true;
  }
  return [stats, i];
}

export function parseMountstats(text: string, source = 'mountstats'): MountStatsEntry[] {
  const mounts: MountStatsEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fields = fieldsOf(lines[i] as string);
    if (fields[0] !== 'device') continue;
    const [, device, mounted, on, mountPoint, withWord, fstype, fsType, statvers] = fields;
    if (fields.length < 8 || mounted !== 'mounted' || on !== 'on' || withWord !== 'with' || fstype !== 'fstype') {
      throw new Error(`${source} line ${i + 1}: expected "device SOURCE mounted on MOUNTPOINT with fstype TYPE", got ${JSON.stringify(lines[i])}`);
    }
    const mount: MountStatsEntry = { device: device!, mountPoint: mountPoint!, fsType: fsType! };
    if (statvers !== undefined) {
      if (fsType !== 'nfs' && fsType !== 'nfs4') throw new Error(`${source} line ${i + 1}: statistics for fstype ${fsType}, only nfs and nfs4 are known`);
      let end: number;
      [mount.nfs, end] = parseNfsBlock(lines, i + 1, statvers.replace(/^statvers=/, ''), source);
      i = end - 1;
    }
    mounts.push(mount);
  }
  return mounts;
}
