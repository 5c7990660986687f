/** `node_uname_info` from the `os` module (uname(2) on Unix, the registry's names on Windows). */
import { unameDesc } from '../collectors/uname.js';
import { defineCollector } from '../types.js';
import type { FallbackSources } from './sources.js';

/** Platforms without a domain name in uname(2): node_exporter splits the host name at its first dot. */
const SPLIT_HOST_NAME = new Set<NodeJS.Platform>(['darwin', 'freebsd', 'openbsd', 'netbsd']);

export function fallbackUnameCollector({ host }: FallbackSources) {
  return defineCollector({
    name: 'uname',
    defaultEnabled: true,
    description: 'Kernel name, release, version and host name (os module).',
    create: () => ({
      async update(sink) {
        const { os } = host;
        let nodename = os.hostname();
        let domainname = '(none)';
        const dot = nodename.indexOf('.');
        if (SPLIT_HOST_NAME.has(host.platform) && dot > 0) [nodename, domainname] = [nodename.slice(0, dot), nodename.slice(dot + 1)];
        sink.add(unameDesc, 1, [domainname, os.machine(), nodename, os.release(), os.type(), os.version()]);
      },
    }),
  });
}
