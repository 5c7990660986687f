/**
 * /proc/net/rpc/nfs (client) and /proc/net/rpc/nfsd (server) are `label value …` lines (`parseLabelledLines`). Procedure lines
 * (`proc3 22 v1 … v22`) start with their count; their values follow the kernel's procedure order,
 * named by the lists below (the names node_exporter reports).
 */
import type { LabelledLine } from './fields.js';

export const NFS_V2_PROCEDURES = [
  'Null', 'GetAttr', 'SetAttr', 'Root', 'Lookup', 'ReadLink', 'Read', 'WrCache', 'Write',
  'Create', 'Remove', 'Rename', 'Link', 'SymLink', 'MkDir', 'RmDir', 'ReadDir', 'FsStat',
] as const;

export const NFS_V3_PROCEDURES = [
  'Null', 'GetAttr', 'SetAttr', 'Lookup', 'Access', 'ReadLink', 'Read', 'Write', 'Create', 'MkDir', 'SymLink',
  'MkNod', 'Remove', 'RmDir', 'Rename', 'Link', 'ReadDir', 'ReadDirPlus', 'FsStat', 'FsInfo', 'PathConf', 'Commit',
] as const;

/** The client's `proc4` line; newer kernels print more, which are not named here. */
export const NFS_V4_CLIENT_PROCEDURES = [
  'Null', 'Read', 'Write', 'Commit', 'Open', 'OpenConfirm', 'OpenNoattr', 'OpenDowngrade', 'Close', 'Setattr',
  'FsInfo', 'Renew', 'SetClientID', 'SetClientIDConfirm', 'Lock', 'Lockt', 'Locku', 'Access', 'Getattr', 'Lookup',
  'LookupRoot', 'Remove', 'Rename', 'Link', 'Symlink', 'Create', 'Pathconf', 'StatFs', 'ReadLink', 'ReadDir',
  'ServerCaps', 'DelegReturn', 'GetACL', 'SetACL', 'FsLocations', 'ReleaseLockowner', 'Secinfo', 'FsidPresent',
  'ExchangeID', 'CreateSession', 'DestroySession', 'Sequence', 'GetLeaseTime', 'ReclaimComplete', 'GetDeviceInfo',
  'LayoutGet', 'LayoutCommit', 'LayoutReturn', 'SecinfoNoName', 'TestStateID', 'FreeStateID', 'GetDeviceList',
  'BindConnToSession', 'DestroyClientID', 'Seek', 'Allocate', 'DeAllocate', 'LayoutStats', 'Clone',
] as const;

/** The server's `proc4ops` line, by operation number (0–2 are unused or reserved). */
export const NFS_V4_SERVER_OPERATIONS = [
  'Op0Unused', 'Op1Unused', 'Op2Future', 'Access', 'Close', 'Commit', 'Create', 'DelegPurge', 'DelegReturn', 'GetAttr',
  'GetFH', 'Link', 'Lock', 'Lockt', 'Locku', 'Lookup', 'LookupRoot', 'Nverify', 'Open', 'OpenAttr', 'OpenConfirm',
  'OpenDgrd', 'PutFH', 'PutPubFH', 'PutRootFH', 'Read', 'ReadDir', 'ReadLink', 'Remove', 'Rename', 'Renew',
  'RestoreFH', 'SaveFH', 'SecInfo', 'SetAttr', 'SetClientID', 'SetClientIDConfirm', 'Verify', 'Write', 'RelLockOwner',
] as const;

/** A procedure line as name → count, for the names the kernel printed (older kernels print fewer). */
export function procedureCounts(line: LabelledLine, names: readonly string[]): Map<string, number> {
  const [declared, ...counts] = line.values;
  if (declared !== counts.length) throw new Error(`${line.where}: declares ${declared} procedures but lists ${counts.length}`);
  const byName = new Map<string, number>();
  names.forEach((name, i) => {
    const count = counts[i];
    if (count !== undefined) byName.set(name, count);
  });
  return byName;
}
