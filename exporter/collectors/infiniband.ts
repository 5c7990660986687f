/** `node_infiniband_*{device,port}` and `node_infiniband_info` from /sys/class/infiniband (node_exporter 1.10 infiniband_linux.go). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeMetric } from '../../common/metrics.js';
import { sysFilePath } from '../paths.js';
import { failOnReadErrors, listDevices, logReadErrors, readAttributeSets, type AttributeRequest, type AttributeSet } from '../sysfs/attributes.js';
import { parseCounter, parseRate, parseState, PORT_COUNTERS } from '../sysfs/infiniband.js';
import { sharedSysfsReader, type SysfsReaderOption } from '../sysfs/read.js';
import { defineCollector, NoDataError, type CollectorContext } from '../types.js';

const PORT = ['device', 'port'];
const infoDesc = describeMetric('node_infiniband_info', 'Non-numeric data from /sys/class/infiniband/<device>, value is always 1.', 'gauge', [
  'device',
  'board_id',
  'firmware_version',
  'hca_type',
]);
const stateDesc = describeMetric(
  'node_infiniband_state_id',
  'State of the InfiniBand port (0: no change, 1: down, 2: init, 3: armed, 4: active, 5: act defer)',
  'gauge',
  PORT,
);
const physicalStateDesc = describeMetric(
  'node_infiniband_physical_state_id',
  'Physical state of the InfiniBand port (0: no change, 1: sleep, 2: polling, 3: disable, 4: shift, 5: link up, 6: link error recover, 7: phytest)',
  'gauge',
  PORT,
);
const rateDesc = describeMetric('node_infiniband_rate_bytes_per_second', 'Maximum signal transfer rate', 'gauge', PORT);
const counters = PORT_COUNTERS.map((counter) => ({ ...counter, desc: describeMetric(`node_infiniband_${counter.metric}`, counter.help, 'counter', PORT) }));
const COUNTER_FILES = PORT_COUNTERS.filter(({ dir }) => dir === 'counters').map(({ file }) => file);
const EXT_COUNTER_FILES = PORT_COUNTERS.filter(({ dir }) => dir === 'counters_ext').map(({ file }) => file);

const DEVICE_FILES = ['fw_ver', 'board_id', 'hca_type'];
const PORT_FILES = ['state', 'phys_state', 'rate', 'link_layer'];
/** Counter read failures procfs skips the counter for (and ETIMEDOUT: a counter that hangs is left out, not waited for). */
const SKIPPED_COUNTER_ERRORS = ['ENOENT', 'EACCES', 'EPERM', 'EOPNOTSUPP', 'EINVAL', 'ETIMEDOUT'];

function parsed<T>(attributes: AttributeSet, name: string, parse: (text: string) => T | undefined): T {
  const text = attributes.require(name);
  const value = parse(text);
  if (value === undefined) throw new Error(`${join(attributes.dir, name)}: cannot parse ${JSON.stringify(text)}`);
  return value;
}

interface Port {
  number: string;
  dir: string;
  hasCounters: boolean;
}

function listPorts(deviceDir: string): Port[] {
  const portsDir = join(deviceDir, 'ports');
  if (!existsSync(portsDir)) throw new Error(`${portsDir}: no ports directory`);
  return listDevices(portsDir)
    .map((number) => {
      if (!/^\d+$/.test(number)) throw new Error(`${join(portsDir, number)}: not a port number`);
      const dir = join(portsDir, number);
      return { number, dir, hasCounters: existsSync(join(dir, 'counters')) };
    })
    .sort((a, b) => Number(a.number) - Number(b.number));
}

export const infinibandCollector = defineCollector({
  name: 'infiniband',
  defaultEnabled: true,
  description: 'InfiniBand (and RDMA) adapters: port state, rate and port counters, from /sys/class/infiniband.',
  create: ({ paths, logger, options }: CollectorContext<SysfsReaderOption>) => {
    const classDir = sysFilePath(paths, 'class', 'infiniband');
    const reader = options.reader ?? sharedSysfsReader();
    return {
      async update(sink, signal) {
        if (!existsSync(classDir)) throw new NoDataError(`${classDir} does not exist`);
        const devices = listDevices(classDir).map((name) => ({ name, dir: join(classDir, name), ports: listPorts(join(classDir, name)) }));
        const requests: AttributeRequest[] = devices.flatMap(({ dir, ports }) => [
          { dir, names: DEVICE_FILES },
          ...ports.flatMap((port) => [
            { dir: port.dir, names: PORT_FILES },
            // Kernels before 4.5 keep the 64-bit counters apart; procfs reads them only beside `counters`.
            ...(port.hasCounters
              ? [
                  { dir: join(port.dir, 'counters'), names: COUNTER_FILES },
                  { dir: join(port.dir, 'counters_ext'), names: EXT_COUNTER_FILES },
                ]
              : []),
          ]),
        ]);
        const sets = await readAttributeSets(reader, requests, signal);
        logReadErrors(logger, sets.flatMap((set) => set.errors));
        const next = (): AttributeSet => sets.shift() as AttributeSet;
        for (const device of devices) {
          const attributes = next();
          failOnReadErrors([attributes]);
          const firmware = attributes.require('fw_ver');
          sink.add(infoDesc, 1, [device.name, attributes.get('board_id') ?? '', firmware, attributes.get('hca_type') ?? '']);
          for (const port of device.ports) {
            const portAttributes = next();
            failOnReadErrors([portAttributes], []);
            portAttributes.require('link_layer');
            const labels = [device.name, port.number];
            sink.add(stateDesc, parsed(portAttributes, 'state', parseState), labels);
            sink.add(physicalStateDesc, parsed(portAttributes, 'phys_state', parseState), labels);
            sink.add(rateDesc, parsed(portAttributes, 'rate', parseRate), labels);
            if (!port.hasCounters) continue;
            const byDir = { counters: next(), counters_ext: next() };
            failOnReadErrors(Object.values(byDir), SKIPPED_COUNTER_ERRORS);
            for (const { dir, file, desc } of counters) {
              const text = byDir[dir].get(file);
              const value = text === undefined ? undefined : parseCounter(file, text, join(byDir[dir].dir, file));
              if (value !== undefined) sink.add(desc, value, labels);
            }
          }
        }
      },
    };
  },
});
