/** `node_selinux_enabled`, `_config_mode` and `_current_mode`, from selinuxfs (/sys/fs/selinux) and /etc/selinux/config. */
import { describeMetric } from '../../common/metrics.js';
import { rootfsFilePath, sysFilePath } from '../paths.js';
import { readOptionalProcFile } from '../procfs/read.js';
import { parseSelinuxConfigMode, parseSelinuxEnforce } from '../procfs/selinux.js';
import { defineCollector } from '../types.js';

const enabled = describeMetric('node_selinux_enabled', 'SELinux is enabled, 1 is true, 0 is false', 'gauge');
const configMode = describeMetric('node_selinux_config_mode', 'Configured SELinux enforcement mode', 'gauge');
const currentMode = describeMetric('node_selinux_current_mode', 'Current SELinux enforcement mode', 'gauge');

export const selinuxCollector = defineCollector({
  name: 'selinux',
  defaultEnabled: true,
  description: 'Whether SELinux is enabled, and its configured and current modes.',
  create: ({ paths }) => {
    const enforcePath = sysFilePath(paths, 'fs', 'selinux', 'enforce');
    const configPath = rootfsFilePath(paths, 'etc', 'selinux', 'config');
    return {
      async update(sink) {
        // selinuxfs is only mounted when SELinux is enabled.
        const enforce = readOptionalProcFile(enforcePath);
        sink.add(enabled, enforce === undefined ? 0 : 1);
        if (enforce === undefined) return;
        const config = readOptionalProcFile(configPath);
        sink.add(configMode, config === undefined ? -1 : parseSelinuxConfigMode(config));
        sink.add(currentMode, parseSelinuxEnforce(enforce));
      },
    };
  },
});
