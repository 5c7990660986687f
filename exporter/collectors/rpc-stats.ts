/** What the nfs and nfsd collectors share: reading an RPC statistics file, its `net` line and its procedure lines. */
import type { MetricDesc } from '../../common/metrics.js';
import { fixedValues, parseLabelledLines, type LabelledLine } from '../procfs/fields.js';
import { procedureCounts } from '../procfs/nfs.js';
import { readOptionalProcFile } from '../procfs/read.js';
import { NoDataError, type MetricSink } from '../types.js';

/** The file's lines by label; no data (success 0) when the NFS module that writes it is not loaded. */
export function readRpcStats(path: string): Map<string, LabelledLine> {
  const text = readOptionalProcFile(path);
  if (text === undefined) throw new NoDataError(`${path} not found`);
  return parseLabelledLines(text, path);
}

/** `net packets udp tcp tcp_connections`: packets by transport (`packets` has one label) and TCP connections. */
export function addNetworkLine(sink: MetricSink, lines: Map<string, LabelledLine>, packets: MetricDesc, connections: MetricDesc): void {
  const net = lines.get('net');
  if (net === undefined) return;
  const [, udp, tcp, tcpConnections] = fixedValues(net, 'net', 4) as [number, number, number, number];
  sink.add(packets, udp, ['udp']);
  sink.add(packets, tcp, ['tcp']);
  sink.add(connections, tcpConnections);
}

/** `[line label, proto label value, procedure names]` per NFS version. */
export type ProcedureLines = readonly (readonly [string, string, readonly string[]])[];

/** Each procedure the kernel printed as `requests{proto,method}`, but for the `skipped` names. */
export function addProcedureLines(
  sink: MetricSink,
  lines: Map<string, LabelledLine>,
  versions: ProcedureLines,
  requests: MetricDesc,
  skipped: ReadonlySet<string> = new Set(),
): void {
  for (const [label, proto, names] of versions) {
    const line = lines.get(label);
    if (line === undefined) continue;
    for (const [method, count] of procedureCounts(line, names)) if (!skipped.has(method)) sink.add(requests, count, [proto, method]);
  }
}
