/** The units the stand-in for systemd serves in the systemd collector's tests. */
import type { FixtureUnit, Property } from '../../helpers/dbus.js';

const MAX_UINT64 = 2n ** 64n - 1n;

export const MANAGER: Record<string, Property> = {
  Version: ['s', '255.4-1'],
  Virtualization: ['s', 'kvm'],
  SystemState: ['s', 'degraded'],
};

/** Services, sockets, a timer, a failed unit, excluded and unloaded ones, a state outside the five and an escaped name. */
export const UNITS: FixtureUnit[] = [
  {
    name: 'ssh.service',
    activeState: 'active',
    subState: 'running',
    properties: {
      'Service.Type': ['s', 'notify'],
      'Service.NRestarts': ['u', 2],
      'Service.TasksCurrent': ['t', 3n],
      'Service.TasksMax': ['t', 4915n],
      'Unit.ActiveEnterTimestamp': ['t', 1700000000123456n],
    },
  },
  {
    name: 'cron.service',
    activeState: 'failed',
    properties: {
      'Service.Type': ['s', 'simple'],
      'Service.NRestarts': ['u', 0],
      'Service.TasksCurrent': ['t', MAX_UINT64],
      'Service.TasksMax': ['t', MAX_UINT64],
      'Unit.ActiveEnterTimestamp': ['t', 1600000000000000n],
    },
  },
  // systemd escapes "-" in a device path as \x2d: a backslash in the label value.
  {
    name: 'systemd-fsck@dev-disk-by\\x2duuid-AB12:3.service',
    activeState: 'activating',
    properties: { 'Service.Type': ['s', 'oneshot'], 'Service.NRestarts': ['u', 1] },
  },
  // An older systemd without NRestarts or task accounting: those series are left out.
  { name: 'legacy.service', activeState: 'deactivating', properties: { 'Service.Type': ['s', 'forking'] } },
  { name: 'reload.service', activeState: 'reloading', properties: { 'Service.Type': ['s', 'notify-reload'] } },
  { name: 'nginx.socket', activeState: 'active', properties: { 'Socket.NAccepted': ['u', 42], 'Socket.NConnections': ['u', 1], 'Socket.NRefused': ['u', 3] } },
  // Before systemd 239 there is no NRefused.
  { name: 'old.socket', activeState: 'inactive', properties: { 'Socket.NAccepted': ['u', 7], 'Socket.NConnections': ['u', 0] } },
  { name: 'logrotate.timer', activeState: 'active', properties: { 'Timer.LastTriggerUSec': ['t', 1700000100500000n], 'Unit.ActiveEnterTimestamp': ['t', 1690000000000000n] } },
  { name: 'multi-user.target', activeState: 'active', properties: { 'Unit.ActiveEnterTimestamp': ['t', 1690000001000000n] } },
  // Excluded by the default unit-exclude, but counted in node_systemd_units.
  { name: 'home.mount', activeState: 'active', properties: { 'Mount.Type': ['s', 'ext4'] } },
  { name: 'user.slice', activeState: 'active' },
  // Not loaded: counted, never listed.
  { name: 'missing.service', loadState: 'not-found', activeState: 'inactive' },
];
