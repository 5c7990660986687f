/** `node_nfs_*`: NFS client RPC and per-procedure counters, from /proc/net/rpc/nfs. */
import { describeMetric } from '../../common/metrics.js';
import { procFilePath } from '../paths.js';
import { fixedValues } from '../procfs/fields.js';
import { NFS_V2_PROCEDURES, NFS_V3_PROCEDURES, NFS_V4_CLIENT_PROCEDURES } from '../procfs/nfs.js';
import { defineCollector } from '../types.js';
import { addNetworkLine, addProcedureLines, readRpcStats, type ProcedureLines } from './rpc-stats.js';

const packets = describeMetric('node_nfs_packets_total', 'Total NFSd network packets (sent+received) by protocol type.', 'counter', ['protocol']);
const connections = describeMetric('node_nfs_connections_total', 'Total number of NFSd TCP connections.', 'counter');
const rpcs = describeMetric('node_nfs_rpcs_total', 'Total number of RPCs performed.', 'counter');
const retransmissions = describeMetric('node_nfs_rpc_retransmissions_total', 'Number of RPC transmissions performed.', 'counter');
const authRefreshes = describeMetric('node_nfs_rpc_authentication_refreshes_total', 'Number of RPC authentication refreshes performed.', 'counter');
const requests = describeMetric('node_nfs_requests_total', 'Number of NFS procedures invoked.', 'counter', ['proto', 'method']);

const VERSIONS: ProcedureLines = [
  ['proc2', '2', NFS_V2_PROCEDURES],
  ['proc3', '3', NFS_V3_PROCEDURES],
  ['proc4', '4', NFS_V4_CLIENT_PROCEDURES],
];

export const nfsCollector = defineCollector({
  name: 'nfs',
  defaultEnabled: true,
  description: 'NFS client RPC and procedure counters, from /proc/net/rpc/nfs.',
  create: ({ paths }) => {
    const nfsPath = procFilePath(paths, 'net/rpc/nfs');
    return {
      async update(sink) {
        const lines = readRpcStats(nfsPath);
        addNetworkLine(sink, lines, packets, connections);
        const rpc = lines.get('rpc');
        if (rpc !== undefined) {
          const [calls, retransmitted, refreshed] = fixedValues(rpc, 'rpc', 3) as [number, number, number];
          sink.add(rpcs, calls);
          sink.add(retransmissions, retransmitted);
          sink.add(authRefreshes, refreshed);
        }
        addProcedureLines(sink, lines, VERSIONS, requests);
      },
    };
  },
});
