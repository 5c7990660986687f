/** `node_bonding_slaves{master}` and `node_bonding_active{master}` from /sys/class/net/bonding_masters (node_exporter bonding_linux.go). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeMetric } from '../../common/metrics.js';
import { sysFilePath } from '../paths.js';
import { readFiles } from '../sysfs/attributes.js';
import { sharedSysfsReader, type SysfsReaderOption } from '../sysfs/read.js';
import { defineCollector, NoDataError, type CollectorContext } from '../types.js';

const slavesDesc = describeMetric('node_bonding_slaves', 'Number of configured slaves per bonding interface.', 'gauge', ['master']);
const activeDesc = describeMetric('node_bonding_active', 'Number of active slaves per bonding interface.', 'gauge', ['master']);

function words(text: string | undefined): string[] {
  return (text ?? '').split(/\s+/).filter((word) => word !== '');
}

export const bondingCollector = defineCollector({
  name: 'bonding',
  defaultEnabled: true,
  description: 'Configured and active slaves of bonded network interfaces.',
  create: ({ paths, options }: CollectorContext<SysfsReaderOption>) => {
    const netDir = sysFilePath(paths, 'class', 'net');
    const reader = options.reader ?? sharedSysfsReader();
    return {
      async update(sink, signal) {
        const mastersFile = join(netDir, 'bonding_masters');
        if (!existsSync(mastersFile)) throw new NoDataError(`${mastersFile} does not exist`);
        const [mastersText] = await readFiles(reader, [mastersFile], signal);
        if (mastersText === undefined) throw new Error(`${mastersFile}: unreadable`);
        const masters = words(mastersText);
        const slaveLists = await readFiles(reader, masters.map((master) => join(netDir, master, 'bonding', 'slaves')), signal);
        // Newer kernels link a slave as lower_<slave>, older ones as slave_<slave>.
        const slaves = masters.flatMap((master, i) =>
          words(slaveLists[i]).map((slave) => {
            const lower = join(netDir, master, `lower_${slave}`);
            return { master, status: join(existsSync(lower) ? lower : join(netDir, master, `slave_${slave}`), 'bonding_slave', 'mii_status') };
          }),
        );
        const states = await readFiles(reader, slaves.map((slave) => slave.status), signal);
        masters.forEach((master, i) => {
          if (slaveLists[i] === undefined) return;
          const mine = slaves.flatMap((slave, k) => (slave.master === master ? [states[k]] : []));
          sink.add(slavesDesc, mine.length, [master]);
          sink.add(activeDesc, mine.filter((state) => state === 'up').length, [master]);
        });
      },
    };
  },
});
