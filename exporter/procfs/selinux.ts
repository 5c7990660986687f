/** SELinux modes as node_exporter reports them: 1 enforcing, 0 permissive, -1 disabled or unknown. */

export type SelinuxMode = 1 | 0 | -1;

/** The `SELINUX=` line of /etc/selinux/config; -1 when absent or `disabled`. */
export function parseSelinuxConfigMode(text: string): SelinuxMode {
  let mode: SelinuxMode = -1;
  for (const line of text.split('\n')) {
    const match = /^\s*SELINUX\s*=\s*["']?(\w+)["']?\s*$/.exec(line);
    if (match === null) continue;
    const value = (match[1] as string).toLowerCase();
    mode = value === 'enforcing' ? 1 : value === 'permissive' ? 0 : -1;
  }
  return mode;
}

/** selinuxfs's `enforce` file: `1` or `0`; anything else is -1. */
export function parseSelinuxEnforce(text: string): SelinuxMode {
  const value = text.trim();
  return value === '1' ? 1 : value === '0' ? 0 : -1;
}
