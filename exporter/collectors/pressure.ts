/** `node_pressure_*_seconds_total` from /proc/pressure (PSI, Linux 4.20+; IRQ since 6.1); NoData where the kernel has none. */
import { describeMetric } from '../../common/metrics.js';
import { procFilePath } from '../paths.js';
import { parsePressure } from '../procfs/pressure.js';
import { readOptionalProcFile } from '../procfs/read.js';
import { defineCollector, NoDataError } from '../types.js';

const cpuWaiting = describeMetric('node_pressure_cpu_waiting_seconds_total', 'Total time in seconds that processes have waited for CPU time', 'counter');
const ioWaiting = describeMetric('node_pressure_io_waiting_seconds_total', 'Total time in seconds that processes have waited due to IO congestion', 'counter');
const ioStalled = describeMetric(
  'node_pressure_io_stalled_seconds_total',
  'Total time in seconds no process could make progress due to IO congestion',
  'counter',
);
const memoryWaiting = describeMetric('node_pressure_memory_waiting_seconds_total', 'Total time in seconds that processes have waited for memory', 'counter');
const memoryStalled = describeMetric(
  'node_pressure_memory_stalled_seconds_total',
  'Total time in seconds no process could make progress due to memory congestion',
  'counter',
);

const irqStalled = describeMetric(
  'node_pressure_irq_stalled_seconds_total',
  'Total time in seconds no process could make progress due to IRQ congestion',
  'counter',
);

export const pressureCollector = defineCollector({
  name: 'pressure',
  defaultEnabled: true,
  description: 'Pressure stall information (CPU, I/O, memory, IRQ) from /proc/pressure.',
  create: ({ paths }) => {
    const files = ['cpu', 'io', 'memory'].map((resource) => procFilePath(paths, 'pressure', resource));
    // Linux 6.1+ with CONFIG_IRQ_TIME_ACCOUNTING; it has only a `full` line.
    const irqFile = procFilePath(paths, 'pressure', 'irq');
    return {
      async update(sink) {
        const [cpu, io, memory] = files.map((file) => {
          const text = readOptionalProcFile(file);
          return text === undefined ? undefined : parsePressure(text, file);
        });
        if (cpu === undefined || io === undefined || memory === undefined) {
          throw new NoDataError('pressure information is unavailable, you need a Linux kernel >= 4.20 with PSI enabled');
        }
        if (cpu.some) sink.add(cpuWaiting, cpu.some.totalSeconds);
        if (io.some) sink.add(ioWaiting, io.some.totalSeconds);
        if (io.full) sink.add(ioStalled, io.full.totalSeconds);
        if (memory.some) sink.add(memoryWaiting, memory.some.totalSeconds);
        if (memory.full) sink.add(memoryStalled, memory.full.totalSeconds);
        const irqText = readOptionalProcFile(irqFile);
        const irq = irqText === undefined ? undefined : parsePressure(irqText, irqFile);
        if (irq?.full) sink.add(irqStalled, irq.full.totalSeconds);
      },
    };
  },
});
