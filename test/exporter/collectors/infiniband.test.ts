import assert from 'node:assert/strict';
import { test } from 'node:test';
import { infinibandCollector } from '../../../exporter/collectors/infiniband.js';
import { NoDataError } from '../../../exporter/types.js';
import { createCollector, scrape } from './fixture.js';
import { sysTree } from './proc-tree.js';

const PORT = 'class/infiniband/rxe0/ports/1';
const port = (overrides: Record<string, string> = {}): Record<string, string> => ({
  [`${PORT}/link_layer`]: 'Ethernet\n',
  [`${PORT}/state`]: '4: ACTIVE\n',
  [`${PORT}/phys_state`]: '5: LinkUp\n',
  [`${PORT}/rate`]: '2.5 Gb/sec (1X SDR)\n',
  ...overrides,
});

test('infiniband: no /sys/class/infiniband means no data', async (t) => {
  await assert.rejects(scrape(createCollector(infinibandCollector, { paths: sysTree(t, { 'class/net/lo/mtu': '65536\n' }) })), NoDataError);
});

test('infiniband: a device without board_id, hca_type or counters (soft RoCE) has its info and port state only', async (t) => {
  const paths = sysTree(t, { 'class/infiniband/rxe0/fw_ver': '0.0.0\n', ...port({ [`${PORT}/hw_counters/sent_pkts`]: '12\n' }) });
  const text = await scrape(createCollector(infinibandCollector, { paths }));
  assert.match(text, /^node_infiniband_info\{device="rxe0",board_id="",firmware_version="0.0.0",hca_type=""\} 1$/m);
  assert.match(text, /^node_infiniband_rate_bytes_per_second\{device="rxe0",port="1"\} 312500000$/m);
  assert.deepEqual(
    text.split('\n').filter((line) => line.startsWith('node_')).map((line) => line.slice(0, line.indexOf('{'))),
    ['node_infiniband_info', 'node_infiniband_state_id', 'node_infiniband_physical_state_id', 'node_infiniband_rate_bytes_per_second'],
  );
});

test('infiniband: no fw_ver, an unreadable state or a malformed counter fails the scrape, as in procfs', async (t) => {
  const collector = (files: Record<string, string>) => createCollector(infinibandCollector, { paths: sysTree(t, files) });
  await assert.rejects(scrape(collector(port())), /rxe0\/fw_ver: missing/);
  await assert.rejects(scrape(collector({ 'class/infiniband/rxe0/fw_ver': '1\n', ...port({ [`${PORT}/state`]: 'ACTIVE\n' }) })), /ports\/1\/state: cannot parse "ACTIVE"/);
  const badCounter = { 'class/infiniband/rxe0/fw_ver': '1\n', ...port({ [`${PORT}/counters/link_downed`]: 'many\n' }) };
  await assert.rejects(scrape(collector(badCounter)), /counters\/link_downed: not a counter: "many"/);
  await assert.rejects(scrape(collector({ 'class/infiniband/rxe0/fw_ver': '1\n', 'class/infiniband/rxe0/ports/a/rate': '1 Gb/sec\n' })), /ports\/a: not a port number/);
});
