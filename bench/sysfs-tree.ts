/**
 * A large synthetic host for measuring how a scrape's cost grows: /proc and /sys trees with many
 * disks, network interfaces and hwmon sensors (node_exporter's fixture formats, our own values).
 * The rest of /proc (stat, meminfo, mountinfo…) is the test fixture's, so every collector has input.
 */
import { cp, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SyntheticTreeSize {
  disks: number;
  interfaces: number;
  hwmonSensors: number;
}

export const ISSUE_TREE_SIZE: Readonly<SyntheticTreeSize> = Object.freeze({ disks: 64, interfaces: 128, hwmonSensors: 200 });

export interface SyntheticTree {
  root: string;
  procfs: string;
  sysfs: string;
}

const FIXTURE_PROC = fileURLToPath(new URL('../test/fixtures/exporter/proc', import.meta.url));
/** Sensors per hwmon chip, as on a board with a super-I/O chip. */
const SENSORS_PER_CHIP = 20;

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

/** `sda`, …, `sdz`, `sdaa`, … */
function diskName(index: number): string {
  let name = '';
  for (let n = index; n >= 0; n = Math.floor(n / 26) - 1) name = String.fromCharCode(97 + (n % 26)) + name;
  return `sd${name}`;
}

function diskstats(count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) {
    const n = i * 1000 + 1;
    text += `   8 ${String(i * 16).padStart(7)} ${diskName(i)} ${n} ${n * 2} ${n * 8} ${n * 3} ${n} ${n * 2} ${n * 8} ${n * 4} 0 ${n * 5} ${n * 6} 0 0 0 0 ${n} ${n}\n`;
  }
  return text;
}

function netDev(names: readonly string[]): string {
  let text = 'Inter-|   Receive                                                |  Transmit\n';
  text += ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';
  names.forEach((name, i) => {
    const n = (i + 1) * 1234;
    text += `${name.padStart(6)}: ${n * 100} ${n} 0 0 0 0 0 ${i} ${n * 90} ${n} 0 0 0 0 0 0\n`;
  });
  return text;
}

async function writeInterface(sysfs: string, name: string, index: number): Promise<void> {
  const dir = join(sysfs, 'devices/pci0000:00', `0000:00:${String(index).padStart(4, '0')}.0`, 'net', name);
  const mac = `02:00:00:00:${((index >> 8) & 0xff).toString(16).padStart(2, '0')}:${(index & 0xff).toString(16).padStart(2, '0')}`;
  const attributes: Record<string, string> = {
    addr_assign_type: '0',
    address: mac,
    broadcast: 'ff:ff:ff:ff:ff:ff',
    carrier: '1',
    carrier_changes: '2',
    carrier_up_count: '1',
    carrier_down_count: '1',
    dev_id: '0x0',
    dormant: '0',
    duplex: 'full',
    flags: '0x1003',
    ifalias: '',
    ifindex: String(index + 2),
    iflink: String(index + 2),
    link_mode: '0',
    mtu: '1500',
    name_assign_type: '4',
    netdev_group: '0',
    operstate: 'up',
    speed: '10000',
    tx_queue_len: '1000',
    type: '1',
    'statistics/rx_nohandler': '0',
  };
  for (const [file, value] of Object.entries(attributes)) await write(join(dir, file), `${value}\n`);
  await symlink(join('../../devices/pci0000:00', `0000:00:${String(index).padStart(4, '0')}.0`, 'net', name), join(sysfs, 'class/net', name));
}

async function writeHwmonChip(sysfs: string, chip: number, sensors: number): Promise<void> {
  const device = join(sysfs, 'devices/platform', `nct6775.${656 + chip}`);
  const dir = join(device, 'hwmon', `hwmon${chip}`);
  await write(join(dir, 'name'), 'nct6775\n');
  for (let s = 1; s <= sensors; s++) {
    const kind = ['temp', 'in', 'fan'][s % 3] as string;
    const value = kind === 'temp' ? 30000 + s * 100 : kind === 'in' ? 1000 + s : 900 + s * 10;
    await write(join(dir, `${kind}${s}_input`), `${value}\n`);
    await write(join(dir, `${kind}${s}_label`), `${kind.toUpperCase()} ${s}\n`);
  }
  await symlink(`../../../nct6775.${656 + chip}`, join(dir, 'device'));
  await symlink(join('../../devices/platform', `nct6775.${656 + chip}`, 'hwmon', `hwmon${chip}`), join(sysfs, 'class/hwmon', `hwmon${chip}`));
}

/** Writes the tree under a new temporary directory (or `root`) and returns its paths. */
export async function writeSyntheticTree(size: SyntheticTreeSize = ISSUE_TREE_SIZE, root?: string): Promise<SyntheticTree> {
  const base = root ?? (await mkdtemp(join(tmpdir(), 'platypus-sysfs-tree-')));
  const procfs = join(base, 'proc');
  const sysfs = join(base, 'sys');
  await cp(FIXTURE_PROC, procfs, { recursive: true, verbatimSymlinks: true });
  const interfaces = ['lo', ...Array.from({ length: size.interfaces - 1 }, (_, i) => `eth${i}`)];
  await write(join(procfs, 'diskstats'), diskstats(size.disks));
  await write(join(procfs, 'net/dev'), netDev(interfaces));
  await mkdir(join(sysfs, 'class/net'), { recursive: true });
  await mkdir(join(sysfs, 'class/hwmon'), { recursive: true });
  for (const [i, name] of interfaces.entries()) await writeInterface(sysfs, name, i);
  for (let chip = 0, left = size.hwmonSensors; left > 0; chip++, left -= SENSORS_PER_CHIP) {
    await writeHwmonChip(sysfs, chip, Math.min(SENSORS_PER_CHIP, left));
  }
  return { root: base, procfs, sysfs };
}
