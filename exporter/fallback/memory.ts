/**
 * Memory from systeminformation `mem()`: everywhere the Linux names the shipped rules read
 * (`node_memory_MemTotal_bytes`, `MemAvailable_bytes`, …), and on macOS node_exporter's Darwin names
 * for the figures si has (it reads wired and compressed pages but only reports their sum).
 */
import { describeMetric } from '../../common/metrics.js';
import { meminfoDescriptors } from '../collectors/meminfo.js';
import { defineCollector, NoDataError } from '../types.js';
import type { FallbackSources } from './sources.js';

const darwinTotal = describeMetric('node_memory_total_bytes', 'Memory information field total_bytes.', 'gauge');
const darwinFree = describeMetric('node_memory_free_bytes', 'Memory information field free_bytes.', 'gauge');
const darwinInactive = describeMetric('node_memory_inactive_bytes', 'Memory information field inactive_bytes.', 'gauge');
const darwinSwapTotal = describeMetric('node_memory_swap_total_bytes', 'Memory information field swap_total_bytes.', 'gauge');
const darwinSwapUsed = describeMetric('node_memory_swap_used_bytes', 'Memory information field swap_used_bytes.', 'gauge');

export function fallbackMeminfoCollector({ host, si }: FallbackSources) {
  return defineCollector({
    name: 'meminfo',
    defaultEnabled: true,
    description: 'Memory and swap (systeminformation mem()).',
    create: () => {
      si.memory.refresh();
      return {
        async update(sink, signal) {
          const mem = await si.memory.get(signal);
          if (mem.total === 0) throw new NoDataError('systeminformation reported no memory');
          sink.add(meminfoDescriptors.get('MemTotal_bytes'), mem.total);
          sink.add(meminfoDescriptors.get('MemFree_bytes'), mem.free);
          sink.add(meminfoDescriptors.get('MemAvailable_bytes'), mem.available);
          sink.add(meminfoDescriptors.get('SwapTotal_bytes'), mem.swaptotal);
          sink.add(meminfoDescriptors.get('SwapFree_bytes'), mem.swapfree);
          if (host.platform !== 'darwin') return;
          sink.add(darwinTotal, mem.total);
          sink.add(darwinFree, mem.free);
          // On macOS si's `reclaimable` is vm_stat's "Pages inactive" in bytes.
          sink.add(darwinInactive, mem.reclaimable);
          sink.add(darwinSwapTotal, mem.swaptotal);
          sink.add(darwinSwapUsed, mem.swapused);
        },
      };
    },
  });
}
