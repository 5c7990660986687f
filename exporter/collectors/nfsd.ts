/** `node_nfsd_*`: NFS server cache, I/O, thread, RPC and per-operation counters, from /proc/net/rpc/nfsd. */
import { describeMetric, type MetricDesc } from '../../common/metrics.js';
import { procFilePath } from '../paths.js';
import { fixedValues, type LabelledLine } from '../procfs/fields.js';
import { NFS_V2_PROCEDURES, NFS_V3_PROCEDURES, NFS_V4_SERVER_OPERATIONS } from '../procfs/nfs.js';
import { defineCollector, type MetricSink } from '../types.js';
import { addNetworkLine, addProcedureLines, readRpcStats, type ProcedureLines } from './rpc-stats.js';

const c = (name: string, help: string): MetricDesc => describeMetric(`node_nfsd_${name}`, help, 'counter');

/** Line label → the values at fixed positions it feeds (`[position, family]`), and how many the line must have. */
const SCALAR_LINES: readonly [string, number, readonly [number, MetricDesc][]][] = [
  ['rc', 3, [
    [0, c('reply_cache_hits_total', 'Total number of NFSd Reply Cache hits (client lost server response).')],
    [1, c('reply_cache_misses_total', 'Total number of NFSd Reply Cache an operation that requires caching (idempotent).')],
    [2, c('reply_cache_nocache_total', 'Total number of NFSd Reply Cache non-idempotent operations (rename/delete/…).')],
  ]],
  ['fh', 5, [[0, c('file_handles_stale_total', 'Total number of NFSd stale file handles')]]],
  ['io', 2, [
    [0, c('disk_bytes_read_total', 'Total NFSd bytes read.')],
    [1, c('disk_bytes_written_total', 'Total NFSd bytes written.')],
  ]],
  ['th', 2, [[0, describeMetric('node_nfsd_server_threads', 'Total number of NFSd kernel threads that are running.', 'gauge')]]],
  ['ra', 12, [
    [0, describeMetric('node_nfsd_read_ahead_cache_size_blocks', 'How large the read ahead cache is in blocks.', 'gauge')],
    [11, c('read_ahead_cache_not_found_total', 'Total number of NFSd read ahead cache not found.')],
  ]],
];
const packets = describeMetric('node_nfsd_packets_total', 'Total NFSd network packets (sent+received) by protocol type.', 'counter', ['proto']);
const connections = c('connections_total', 'Total number of NFSd TCP connections.');
const rpcErrors = describeMetric('node_nfsd_rpc_errors_total', 'Total number of NFSd RPC errors by error type.', 'counter', ['error']);
const serverRpcs = c('server_rpcs_total', 'Total number of NFSd RPCs.');
const requests = describeMetric('node_nfsd_requests_total', 'Total number NFSd Requests by method and protocol.', 'counter', ['proto', 'method']);

/** node_exporter leaves out the null procedure and the unused or public/root file-handle operations. */
const SKIPPED = new Set(['Null', 'Op0Unused', 'Op1Unused', 'Op2Future', 'PutPubFH', 'PutRootFH']);
const VERSIONS: ProcedureLines = [
  ['proc2', '2', NFS_V2_PROCEDURES],
  ['proc3', '3', NFS_V3_PROCEDURES],
  ['proc4ops', '4', NFS_V4_SERVER_OPERATIONS],
];

function addRequests(sink: MetricSink, lines: Map<string, LabelledLine>): void {
  addProcedureLines(sink, lines, VERSIONS, requests, SKIPPED);
  // Since Linux 6.6: GETATTRs answered from a write delegation.
  const delegated = lines.get('wdeleg_getattr');
  if (delegated !== undefined) sink.add(requests, fixedValues(delegated, 'wdeleg_getattr', 1)[0] as number, ['4', 'WdelegGetattr']);
}

export const nfsdCollector = defineCollector({
  name: 'nfsd',
  defaultEnabled: true,
  description: 'NFS server cache, I/O, thread, RPC and operation counters, from /proc/net/rpc/nfsd.',
  create: ({ paths }) => {
    const nfsdPath = procFilePath(paths, 'net/rpc/nfsd');
    return {
      async update(sink) {
        const lines = readRpcStats(nfsdPath);
        for (const [label, count, positions] of SCALAR_LINES) {
          const line = lines.get(label);
          if (line === undefined) continue;
          const values = fixedValues(line, label, count);
          for (const [position, desc] of positions) sink.add(desc, values[position] as number);
        }
        addNetworkLine(sink, lines, packets, connections);
        const rpc = lines.get('rpc');
        if (rpc !== undefined) {
          const [calls, , badFormat, badAuth, badClient] = fixedValues(rpc, 'rpc', 5) as [number, number, number, number, number];
          sink.add(rpcErrors, badFormat, ['fmt']);
          sink.add(rpcErrors, badAuth, ['auth']);
          sink.add(rpcErrors, badClient, ['cInt']);
          sink.add(serverRpcs, calls);
        }
        addRequests(sink, lines);
      },
    };
  },
});
