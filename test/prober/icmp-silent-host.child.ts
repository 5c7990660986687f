/**
 * Run by hostile-protocols.test.ts inside a network namespace (test/helpers/silent-network.ts):
 * probes the host that never answers twice and prints both runs as JSON.
 * - killed: the probe's deadline comes long before ping's own wait ends;
 * - unanswered: ping's own wait (the module's timeout) ends first.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { defaultModule } from '../../prober/config/modules.js';
import { probeICMP } from '../../prober/icmp/probe.js';
import { SILENT_HOST } from '../helpers/silent-network.js';
import { moduleWith, runProbe } from './protocol-harness.js';

const [deadlineMs = NaN, pingWaitSeconds = NaN] = process.argv.slice(2).map(Number);
const icmp = { ...defaultModule('icmp').icmp, preferred_ip_protocol: 'ip4' as const };

function statOf(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return ''; // the process ended while the list was read
  }
}

/** ping processes this one started that are still alive (or not yet reaped). */
function pingChildren(): number {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(statOf)
    .filter((stat) => / \(ping\) \S+ (\d+) /.exec(stat)?.[1] === String(process.pid)).length;
}

const killed = await runProbe(probeICMP, SILENT_HOST, moduleWith('icmp', icmp, 30), deadlineMs);
const killedLeft = pingChildren();
const unanswered = await runProbe(probeICMP, SILENT_HOST, moduleWith('icmp', icmp, pingWaitSeconds), pingWaitSeconds * 1000 + 5_000);
// families is a Map (no JSON); the test parses the exposition text instead.
console.log(JSON.stringify({ killed: { ...killed, pingsLeft: killedLeft }, unanswered }, (key, value: unknown) => (key === 'families' ? undefined : value)));
