/** `node_uname_info{domainname,machine,nodename,release,sysname,version}` from /proc/sys/kernel (the fields of uname(2)). */
import { machine } from 'node:os';
import { describeMetric } from '../../common/metrics.js';
import { procFilePath } from '../paths.js';
import { readProcFile } from '../procfs/read.js';
import { defineCollector } from '../types.js';

export const unameDesc = describeMetric(
  'node_uname_info',
  'Labeled system information as provided by the uname system call.',
  'gauge',
  ['domainname', 'machine', 'nodename', 'release', 'sysname', 'version'],
);

const FILES = ['domainname', 'hostname', 'osrelease', 'ostype', 'version'] as const;

export const unameCollector = defineCollector({
  name: 'uname',
  defaultEnabled: true,
  description: 'Kernel name, release, version, host and domain name.',
  create: ({ paths }) => {
    const files = FILES.map((name) => procFilePath(paths, 'sys', 'kernel', name));
    // /proc has no file for the machine (architecture); it cannot differ from this process's.
    const arch = machine();
    return {
      async update(sink) {
        const [domainname, nodename, release, sysname, version] = files.map((f) => readProcFile(f).trim()) as [string, string, string, string, string];
        sink.add(unameDesc, 1, [domainname, arch, nodename, release, sysname, version]);
      },
    };
  },
});
