/** `node_mountstats_nfs_*`: per-mount NFS client statistics from /proc/self/mountstats (bytes, events, RPC operations, transports). */
import { describeMetric, type MetricDesc, type MetricSink, type MetricType } from '../../common/metrics.js';
import { procFilePath } from '../paths.js';
import { parseMountinfo } from '../procfs/mountinfo.js';
import { parseMountstats, type NfsBytes, type NfsEvents, type NfsMountStats, type NfsOperation, type NfsTransport } from '../procfs/mountstats.js';
import { readProcFile } from '../procfs/read.js';
import { defineCollector } from '../types.js';

const LABELS = ['export', 'protocol', 'mountaddr'];
const PREFIX = 'node_mountstats_nfs_';

// node_exporter wraps these at 2^53 (a float64's mantissa) so they stay exact.
const MANTISSA = 2 ** 53;

const age = describeMetric(`${PREFIX}age_seconds_total`, 'The age of the NFS mount in seconds.', 'counter', LABELS);

/** Rows of `[name, HELP, field, type]`, the type `counter` unless given. */
function families<Field extends string>(rows: readonly (readonly [string, string, Field, MetricType?])[], labels = LABELS): [MetricDesc, Field][] {
  return rows.map(([name, help, field, type = 'counter']) => [describeMetric(PREFIX + name, help, type, labels), field]);
}

const bytes = families<keyof NfsBytes>([
  ['read_bytes_total', 'Number of bytes read using the read() syscall.', 'read'],
  ['write_bytes_total', 'Number of bytes written using the write() syscall.', 'write'],
  ['direct_read_bytes_total', 'Number of bytes read using the read() syscall in O_DIRECT mode.', 'directRead'],
  ['direct_write_bytes_total', 'Number of bytes written using the write() syscall in O_DIRECT mode.', 'directWrite'],
  ['total_read_bytes_total', 'Number of bytes read from the NFS server, in total.', 'readTotal'],
  ['total_write_bytes_total', 'Number of bytes written to the NFS server, in total.', 'writeTotal'],
  ['read_pages_total', "Number of pages read directly via mmap()'d files.", 'readPages'],
  ['write_pages_total', "Number of pages written directly via mmap()'d files.", 'writePages'],
]);

type TransportCounter = Exclude<keyof NfsTransport, 'protocol'>;
const transports = families<TransportCounter>([
  ['transport_bind_total', 'Number of times the client has had to establish a connection from scratch to the NFS server.', 'bind'],
  ['transport_connect_total', 'Number of times the client has made a TCP connection to the NFS server.', 'connect'],
  ['transport_idle_time_seconds', 'Duration since the NFS mount last saw any RPC traffic, in seconds.', 'idleTimeSeconds', 'gauge'],
  ['transport_sends_total', 'Number of RPC requests for this mount sent to the NFS server.', 'sends'],
  ['transport_receives_total', 'Number of RPC responses for this mount received from the NFS server.', 'receives'],
  ['transport_bad_transaction_ids_total', 'Number of times the NFS server sent a response with a transaction ID unknown to this client.', 'badTransactionIds'],
  ['transport_backlog_queue_total', 'Total number of items added to the RPC backlog queue.', 'cumulativeBacklog'],
  ['transport_maximum_rpc_slots', 'Maximum number of simultaneously active RPC requests ever used.', 'maximumRpcSlotsUsed', 'gauge'],
  ['transport_sending_queue_total', 'Total number of items added to the RPC transmission sending queue.', 'cumulativeSendingQueue'],
  ['transport_pending_queue_total', 'Total number of items added to the RPC transmission pending queue.', 'cumulativePendingQueue'],
]);

const OPERATION_LABELS = [...LABELS, 'operation'];
const operations = families<Exclude<keyof NfsOperation, 'operation'>>([
  ['operations_requests_total', 'Number of requests performed for a given operation.', 'requests'],
  ['operations_transmissions_total', 'Number of times an actual RPC request has been transmitted for a given operation.', 'transmissions'],
  ['operations_major_timeouts_total', 'Number of times a request has had a major timeout for a given operation.', 'majorTimeouts'],
  ['operations_sent_bytes_total', 'Number of bytes sent for a given operation, including RPC headers and payload.', 'bytesSent'],
  ['operations_received_bytes_total', 'Number of bytes received for a given operation, including RPC headers and payload.', 'bytesReceived'],
  ['operations_queue_time_seconds_total', 'Duration all requests spent queued for transmission for a given operation before they were sent, in seconds.', 'queueMilliseconds'],
  ['operations_response_time_seconds_total', 'Duration all requests took to get a reply back after a request for a given operation was transmitted, in seconds.', 'responseMilliseconds'],
  ['operations_request_time_seconds_total', 'Duration all requests took from when a request was enqueued to when it was completely handled for a given operation, in seconds.', 'requestMilliseconds'],
], OPERATION_LABELS);

// HELP texts as node_exporter 1.10 has them, including its two copied ones (vfs_open, vfs_setattr).
const events = families<keyof NfsEvents>([
  ['event_inode_revalidate_total', 'Number of times cached inode attributes are re-validated from the server.', 'inodeRevalidate'],
  ['event_dnode_revalidate_total', 'Number of times cached dentry nodes are re-validated from the server.', 'dnodeRevalidate'],
  ['event_data_invalidate_total', 'Number of times an inode cache is cleared.', 'dataInvalidate'],
  ['event_attribute_invalidate_total', 'Number of times cached inode attributes are invalidated.', 'attributeInvalidate'],
  ['event_vfs_open_total', 'Number of times cached inode attributes are invalidated.', 'vfsOpen'],
  ['event_vfs_lookup_total', 'Number of times a directory lookup has occurred.', 'vfsLookup'],
  ['event_vfs_access_total', 'Number of times permissions have been checked.', 'vfsAccess'],
  ['event_vfs_update_page_total', 'Number of updates (and potential writes) to pages.', 'vfsUpdatePage'],
  ['event_vfs_read_page_total', "Number of pages read directly via mmap()'d files.", 'vfsReadPage'],
  ['event_vfs_read_pages_total', 'Number of times a group of pages have been read.', 'vfsReadPages'],
  ['event_vfs_write_page_total', "Number of pages written directly via mmap()'d files.", 'vfsWritePage'],
  ['event_vfs_write_pages_total', 'Number of times a group of pages have been written.', 'vfsWritePages'],
  ['event_vfs_getdents_total', 'Number of times directory entries have been read with getdents().', 'vfsGetdents'],
  ['event_vfs_setattr_total', 'Number of times directory entries have been read with getdents().', 'vfsSetattr'],
  ['event_vfs_flush_total', 'Number of pending writes that have been forcefully flushed to the server.', 'vfsFlush'],
  ['event_vfs_fsync_total', 'Number of times fsync() has been called on directories and files.', 'vfsFsync'],
  ['event_vfs_lock_total', 'Number of times locking has been attempted on a file.', 'vfsLock'],
  ['event_vfs_file_release_total', 'Number of times files have been closed and released.', 'vfsFileRelease'],
  ['event_truncation_total', 'Number of times files have been truncated.', 'truncation'],
  ['event_write_extension_total', 'Number of times a file has been grown due to writes beyond its existing end.', 'writeExtension'],
  ['event_silly_rename_total', 'Number of times a file was removed while still open by another process.', 'sillyRename'],
  ['event_short_read_total', 'Number of times the NFS server gave less data than expected while reading.', 'shortRead'],
  ['event_short_write_total', 'Number of times the NFS server wrote less data than expected while writing.', 'shortWrite'],
  ['event_jukebox_delay_total', 'Number of times the NFS server indicated EJUKEBOX; retrieving data from offline storage.', 'jukeboxDelay'],
  ['event_pnfs_read_total', 'Number of NFS v4.1+ pNFS reads.', 'pnfsRead'],
  ['event_pnfs_write_total', 'Number of NFS v4.1+ pNFS writes.', 'pnfsWrite'],
]);

function addStats(sink: MetricSink, stats: NfsMountStats, labels: string[]): void {
  sink.add(age, stats.ageSeconds, labels);
  for (const [desc, field] of bytes) sink.add(desc, stats.bytes[field], labels);
  // node_exporter 1.10 labels transports by mount only: with several xprt lines (nconnect) it serves the first.
  const transport = stats.transports[0];
  if (transport !== undefined) {
    for (const [desc, field] of transports) sink.add(desc, field === 'idleTimeSeconds' ? transport[field] % MANTISSA : transport[field], labels);
  }
  for (const operation of stats.operations) {
    const operationLabels = [...labels, operation.operation];
    for (const [desc, field] of operations) {
      const value = operation[field];
      sink.add(desc, field.endsWith('Milliseconds') ? (value % MANTISSA) / 1000 : value, operationLabels);
    }
  }
  for (const [desc, field] of events) sink.add(desc, stats.events[field], labels);
}

export const mountstatsCollector = defineCollector({
  name: 'mountstats',
  defaultEnabled: false,
  description: 'NFS client statistics per mount, from /proc/self/mountstats (server address from /proc/self/mountinfo).',
  create: ({ paths }) => {
    const mountstatsPath = procFilePath(paths, 'self', 'mountstats');
    const mountinfoPath = procFilePath(paths, 'self', 'mountinfo');
    return {
      async update(sink) {
        const mounts = parseMountstats(readProcFile(mountstatsPath), mountstatsPath);
        const mountinfo = parseMountinfo(readProcFile(mountinfoPath), mountinfoPath);
        const seen = new Set<string>();
        mounts.forEach((mount, index) => {
          if (mount.nfs === undefined) return;
          // Both files list the same mounts in the same order (node_exporter pairs them by index).
          const address = mountinfo[index]?.superOptions.find((option) => option.startsWith('addr='))?.slice('addr='.length) ?? '';
          const protocol = mount.nfs.transports[0]?.protocol;
          if (protocol === undefined) return;
          // The same export mounted twice shares its statistics: report them once.
          const labels = [mount.device, protocol, address];
          const key = JSON.stringify(labels);
          if (seen.has(key)) return;
          seen.add(key);
          addStats(sink, mount.nfs, labels);
        });
      },
    };
  },
});
