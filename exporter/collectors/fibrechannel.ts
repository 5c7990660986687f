/** `node_fibrechannel_*{fc_host}` and `node_fibrechannel_info` from /sys/class/fc_host (node_exporter fibrechannel_linux.go). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeMetric, type MetricDesc } from '../../common/metrics.js';
import { sysFilePath } from '../paths.js';
import { listDevices, logReadErrors, readAttributeSets } from '../sysfs/attributes.js';
import { FC_COUNTERS, FC_INFO_ATTRIBUTES, fcCounters, fcInfoLabels } from '../sysfs/fibrechannel.js';
import { sharedSysfsReader, type SysfsReaderOption } from '../sysfs/read.js';
import { defineCollector, NoDataError, type CollectorContext } from '../types.js';

const HELP: Record<string, string> = {
  dumped_frames_total: 'Number of dumped frames',
  loss_of_signal_total: 'Number of times signal has been lost',
  loss_of_sync_total: 'Number of failures on either bit or transmission word boundaries',
  rx_frames_total: 'Number of frames received',
  error_frames_total: 'Number of errors in frames',
  invalid_tx_words_total: 'Number of invalid words transmitted by host port',
  seconds_since_last_reset_total: 'Number of seconds since last host port reset',
  tx_words_total: 'Number of words transmitted by host port',
  invalid_crc_total: 'Invalid Cyclic Redundancy Check count',
  nos_total: 'Number Not_Operational Primitive Sequence received by host port',
  fcp_packet_aborts_total: 'Number of aborted packets',
  rx_words_total: 'Number of words received by host port',
  tx_frames_total: 'Number of frames transmitted by host port',
  link_failure_total: 'Number of times the host port link has failed',
};
const counterDescs = new Map<string, MetricDesc>(
  FC_COUNTERS.map(([, metric]) => [metric, describeMetric(`node_fibrechannel_${metric}`, HELP[metric] as string, 'counter', ['fc_host'])]),
);
const infoDesc = describeMetric('node_fibrechannel_info', 'Non-numeric data from /sys/class/fc_host/<host>, value is always 1.', 'gauge', [
  'fc_host',
  ...FC_INFO_ATTRIBUTES,
]);
const COUNTER_FILES = FC_COUNTERS.map(([file]) => file);

export const fibrechannelCollector = defineCollector({
  name: 'fibrechannel',
  defaultEnabled: true,
  description: 'Fibre Channel host ports: state, speed and error counters, from /sys/class/fc_host.',
  create: ({ paths, logger, options }: CollectorContext<SysfsReaderOption>) => {
    const hostDir = sysFilePath(paths, 'class', 'fc_host');
    const reader = options.reader ?? sharedSysfsReader();
    return {
      async update(sink, signal) {
        if (!existsSync(hostDir)) throw new NoDataError(`${hostDir} does not exist`);
        const hosts = listDevices(hostDir);
        const sets = await readAttributeSets(
          reader,
          hosts.flatMap((host) => [
            { dir: join(hostDir, host), names: FC_INFO_ATTRIBUTES },
            { dir: join(hostDir, host, 'statistics'), names: COUNTER_FILES },
          ]),
          signal,
        );
        logReadErrors(logger, sets.flatMap((set) => set.errors));
        hosts.forEach((host, i) => {
          const [attributes, statistics] = [sets[2 * i], sets[2 * i + 1]] as [(typeof sets)[number], (typeof sets)[number]];
          sink.add(infoDesc, 1, [host, ...fcInfoLabels(attributes.values)]);
          for (const [metric, value] of fcCounters(statistics.values)) sink.add(counterDescs.get(metric) as MetricDesc, value, [host]);
        });
      },
    };
  },
});
