/**
 * /proc/mdstat: per array a line `md0 : active raid1 sdb1[1] sda1[0](F)`, an indented status line
 * (`1046528 blocks … [2/1] [U_]`), then optional indented bitmap and sync-progress lines.
 */
import { decimal, fieldsOf, numberedLines, type NumberedLine } from './fields.js';

export interface MdArray {
  name: string;
  /** `active`, `inactive`, or while a sync runs `recovering`, `resyncing`, `checking` or `reshaping`. */
  state: string;
  disksActive: number;
  disksTotal: number;
  disksFailed: number;
  disksSpare: number;
  /** In 1 KiB blocks, as the kernel prints them. */
  blocks: number;
  /** Equal to `blocks` unless a sync runs; 0 while it is PENDING or DELAYED. */
  blocksSynced: number;
}

const STATUS_DISKS = /\[(\d+)\/(\d+)\] \[[U_]+\]/;
const SYNC_ACTIONS: readonly [RegExp, string][] = [
  [/\brecovery\b/, 'recovering'],
  [/\breshape\b/, 'reshaping'],
  [/\bcheck\b/, 'checking'],
  [/\bresync\b/, 'resyncing'],
];
const SYNC_BLOCKS = /\((\d+)\/(\d+)\)/;

function isContinuation(line: NumberedLine): boolean {
  return /^\s/.test(line.text);
}

function parseArray(header: NumberedLine, body: NumberedLine[], source: string): MdArray {
  const fields = fieldsOf(header.text);
  const [name, colon, initialState] = fields;
  if (name === undefined || colon !== ':' || initialState === undefined) {
    throw new Error(`${source} line ${header.number}: expected "mdN : state …", got ${JSON.stringify(header.text)}`);
  }
  const status = body[0];
  if (status === undefined) throw new Error(`${source} line ${header.number}: ${name} has no status line`);
  const statusWhere = `${source} line ${status.number}`;
  const blocks = decimal(fieldsOf(status.text)[0], `${statusWhere}, blocks`);
  const members = fields.slice(3).filter((field) => /\[\d+\]/.test(field));
  const disksFailed = members.filter((member) => member.includes('(F)')).length;
  const disksSpare = members.filter((member) => member.includes('(S)')).length;
  let disksActive = 0;
  let disksTotal = 0;
  if (initialState !== 'inactive') {
    const personality = fields.slice(3).find((field) => !field.startsWith('(') && !field.includes('['));
    if (personality === 'raid0' || personality === 'linear') {
      disksActive = disksTotal = members.length;
    } else {
      const disks = STATUS_DISKS.exec(status.text);
      if (disks === null) throw new Error(`${statusWhere}: expected "[total/active] [U_…]" for ${name}, got ${JSON.stringify(status.text.trim())}`);
      disksTotal = Number(disks[1]);
      disksActive = Number(disks[2]);
    }
  }
  let state = initialState;
  let blocksSynced = blocks;
  for (const line of body.slice(1)) {
    const action = SYNC_ACTIONS.find(([pattern]) => pattern.test(line.text));
    if (action === undefined) continue;
    state = action[1];
    if (/=\s*(PENDING|DELAYED)/.test(line.text)) {
      blocksSynced = 0;
    } else {
      const progress = SYNC_BLOCKS.exec(line.text);
      if (progress === null) throw new Error(`${source} line ${line.number}: expected "(done/total)" blocks for ${name}, got ${JSON.stringify(line.text.trim())}`);
      blocksSynced = Number(progress[1]);
    }
    break;
  }
  return { name, state, disksActive, disksTotal, disksFailed, disksSpare, blocks, blocksSynced };
}

export function parseMdstat(text: string, source = '/proc/mdstat'): MdArray[] {
  const lines = numberedLines(text);
  const arrays: MdArray[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as NumberedLine;
    if (isContinuation(line) || line.text.startsWith('Personalities') || line.text.startsWith('unused devices')) continue;
    let end = i + 1;
    while (end < lines.length && isContinuation(lines[end] as NumberedLine)) end++;
    arrays.push(parseArray(line, lines.slice(i + 1, end), source));
    i = end - 1;
  }
  return arrays;
}
