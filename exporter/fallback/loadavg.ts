/** `node_load1/5/15` from `os.loadavg()`, where the OS keeps a load average (not Windows). */
import { load15Desc, load1Desc, load5Desc } from '../collectors/loadavg.js';
import { defineCollector, NoDataError } from '../types.js';
import type { FallbackSources } from './sources.js';

export function fallbackLoadavgCollector({ host }: FallbackSources) {
  return defineCollector({
    name: 'loadavg',
    defaultEnabled: true,
    description: 'Load averages (os.loadavg()); none on Windows.',
    create: () => ({
      async update(sink) {
        // Windows has no load average: os.loadavg() answers zeros there.
        if (host.platform === 'win32') throw new NoDataError('no load average on Windows');
        const [load1 = 0, load5 = 0, load15 = 0] = host.os.loadavg();
        sink.add(load1Desc, load1);
        sink.add(load5Desc, load5);
        sink.add(load15Desc, load15);
      },
    }),
  });
}
