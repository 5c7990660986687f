/** /proc/net/udp and udp6: the sum of every socket's `tx_queue:rx_queue` (hexadecimal bytes). */
import { fieldsOf, hexadecimal, numberedLines } from './fields.js';

export interface UdpQueues {
  txQueueBytes: number;
  rxQueueBytes: number;
}

/** `firstLine` numbers the lines of a piece of the file; the header line (`sl local_address …`) is skipped wherever it is. */
export function parseUdpQueues(text: string, source = '/proc/net/udp', firstLine = 1): UdpQueues {
  const queues: UdpQueues = { txQueueBytes: 0, rxQueueBytes: 0 };
  for (const line of numberedLines(text)) {
    const fields = fieldsOf(line.text);
    if (fields[0] === 'sl') continue;
    const where = `${source} line ${line.number + firstLine - 1}`;
    const [tx, rx, extra] = (fields[4] ?? '').split(':');
    if (fields.length < 10 || extra !== undefined) throw new Error(`${where}: expected a socket line with "tx_queue:rx_queue", got ${JSON.stringify(line.text.trim())}`);
    queues.txQueueBytes += hexadecimal(tx, `${where}, tx_queue`);
    queues.rxQueueBytes += hexadecimal(rx, `${where}, rx_queue`);
  }
  return queues;
}
