/** `node_ipvs_*`: IP Virtual Server totals and per-backend connections and weights, from /proc/net/ip_vs_stats and ip_vs. */
import { stringFlag } from '../../common/flags.js';
import { describeMetric, type MetricDesc } from '../../common/metrics.js';
import { procFilePath } from '../paths.js';
import { parseIpvsBackends, parseIpvsStats, type IpvsBackend, type IpvsStats } from '../procfs/ipvs.js';
import { readOptionalProcFile, readProcFile } from '../procfs/read.js';
import { collectorFlag, defineCollector, NoDataError, type MetricSink } from '../types.js';

const BACKEND_LABELS = ['local_address', 'local_port', 'remote_address', 'remote_port', 'proto', 'local_mark'] as const;
type BackendLabel = (typeof BACKEND_LABELS)[number];

const totals: readonly [keyof IpvsStats, MetricDesc][] = [
  ['connections', describeMetric('node_ipvs_connections_total', 'The total number of connections made.', 'counter')],
  ['incomingPackets', describeMetric('node_ipvs_incoming_packets_total', 'The total number of incoming packets.', 'counter')],
  ['outgoingPackets', describeMetric('node_ipvs_outgoing_packets_total', 'The total number of outgoing packets.', 'counter')],
  ['incomingBytes', describeMetric('node_ipvs_incoming_bytes_total', 'The total amount of incoming data.', 'counter')],
  ['outgoingBytes', describeMetric('node_ipvs_outgoing_bytes_total', 'The total amount of outgoing data.', 'counter')],
];

/** Known labels in node_exporter's order; an unknown one is an error. */
function backendLabels(requested: string): BackendLabel[] {
  const wanted = new Set(requested.split(',').filter((label) => label !== ''));
  const unknown = [...wanted].filter((label) => !(BACKEND_LABELS as readonly string[]).includes(label)).sort();
  if (unknown.length > 0) throw new Error(`ipvs: unknown backend labels: ${unknown.join(', ')}`);
  return BACKEND_LABELS.filter((label) => wanted.has(label));
}

function labelValue(backend: IpvsBackend, label: BackendLabel): string {
  switch (label) {
    case 'local_address': return backend.localAddress;
    case 'local_port': return String(backend.localPort);
    case 'remote_address': return backend.remoteAddress;
    case 'remote_port': return String(backend.remotePort);
    case 'proto': return backend.proto;
    case 'local_mark': return backend.localMark;
  }
}

function addBackends(sink: MetricSink, backends: IpvsBackend[], labels: BackendLabel[], descs: ReturnType<typeof backendDescs>): void {
  const sums = new Map<string, { values: string[]; active: number; inactive: number; weight: number }>();
  for (const backend of backends) {
    const values = labels.map((label) => labelValue(backend, label));
    const key = JSON.stringify(values);
    const sum = sums.get(key) ?? { values, active: 0, inactive: 0, weight: 0 };
    sum.active += backend.activeConnections;
    sum.inactive += backend.inactiveConnections;
    sum.weight += backend.weight;
    sums.set(key, sum);
  }
  for (const sum of sums.values()) {
    sink.add(descs.active, sum.active, sum.values);
    sink.add(descs.inactive, sum.inactive, sum.values);
    sink.add(descs.weight, sum.weight, sum.values);
  }
}

function backendDescs(labels: readonly string[]) {
  return {
    active: describeMetric('node_ipvs_backend_connections_active', 'The current active connections by local and remote address.', 'gauge', labels),
    inactive: describeMetric('node_ipvs_backend_connections_inactive', 'The current inactive connections by local and remote address.', 'gauge', labels),
    weight: describeMetric('node_ipvs_backend_weight', 'The current backend weight by local and remote address.', 'gauge', labels),
  };
}

export const ipvsCollector = defineCollector({
  name: 'ipvs',
  defaultEnabled: true,
  description: 'IPVS (kernel load balancer) totals and per-backend connections, from /proc/net/ip_vs_stats and ip_vs.',
  flags: {
    // Backends that agree on all the chosen labels are summed.
    backendLabels: collectorFlag(
      'collector.ipvs.backend-labels',
      stringFlag('Comma separated list for IPVS backend stats labels.', BACKEND_LABELS.join(',')),
    ),
  },
  create: ({ paths, options }) => {
    const labels = backendLabels(options.backendLabels);
    const descs = backendDescs(labels);
    const statsPath = procFilePath(paths, 'net/ip_vs_stats');
    const backendsPath = procFilePath(paths, 'net/ip_vs');
    return {
      async update(sink) {
        // No ip_vs module loaded.
        const text = readOptionalProcFile(statsPath);
        if (text === undefined) throw new NoDataError(`${statsPath} not found`);
        const stats = parseIpvsStats(text, statsPath);
        for (const [field, desc] of totals) sink.add(desc, stats[field]);
        addBackends(sink, parseIpvsBackends(readProcFile(backendsPath), backendsPath), labels, descs);
      },
    };
  },
});
