import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderText } from '../../../common/metrics.js';
import { entropyCollector } from '../../../exporter/collectors/entropy.js';
import type { CollectorOptions } from '../../../exporter/collectors/index.js';
import { timexCollector } from '../../../exporter/collectors/timex.js';
import { HostScraper } from '../../../exporter/scrape.js';
import { decodeTimex, readTimex, TIMEX_SIZE, type Timex } from '../../../exporter/syscall/adjtimex.js';
import { NoDataError } from '../../../exporter/types.js';
import { sampleValue } from '../../helpers/exposition.js';
import { createCollector, expected, FIXTURES, fixtureOptions, fixturePaths, scrape } from './fixture.js';

function fixtureTimex(name: string): Timex {
  const { comment: _comment, ...timex } = JSON.parse(readFileSync(join(FIXTURES, 'timex', `${name}.json`), 'utf8')) as Timex & { comment: string };
  return timex;
}

/** Options under which the timex collector gets this reading (or this error) instead of calling adjtimex. */
function fixed(reading: Timex | Error): CollectorOptions {
  const options = fixtureOptions();
  options.timex.readTimex = () => (reading instanceof Error ? Promise.reject(reading) : Promise.resolve(reading));
  return options;
}

const unloadable = new Error('cannot load the koffi FFI on linux/ia32 (Node 20.20.2): no prebuilt binary');

for (const name of ['nano', 'micro']) {
  test(`timex renders the ${name} fixture reading as expected/timex-${name}.prom`, async () => {
    const collector = createCollector(timexCollector, { options: fixed(fixtureTimex(name)) });
    assert.equal(await scrape(collector), expected(`timex-${name}.prom`));
  });
}

/** Offsets and sizes of struct timex where `long` is 64 bits (glibc bits/timex.h; sizeof 208). */
const LAYOUT: readonly [field: keyof Timex, offset: number, bytes: 4 | 8][] = [
  ['offset', 8, 8],
  ['freq', 16, 8],
  ['maxerror', 24, 8],
  ['esterror', 32, 8],
  ['status', 40, 4],
  ['constant', 48, 8],
  ['tick', 88, 8],
  ['ppsfreq', 96, 8],
  ['jitter', 104, 8],
  ['shift', 112, 4],
  ['stabil', 120, 8],
  ['jitcnt', 128, 8],
  ['calcnt', 136, 8],
  ['errcnt', 144, 8],
  ['stbcnt', 152, 8],
  ['tai', 160, 4],
];

for (const littleEndian of [true, false]) {
  test(`decodeTimex reads each field at its offset in a ${littleEndian ? 'little' : 'big'}-endian struct, signed`, () => {
    const buffer = Buffer.alloc(TIMEX_SIZE, 0xee);
    const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    const want: Record<string, number> = { state: 3 };
    LAYOUT.forEach(([field, offset, bytes], i) => {
      // Distinct per field, negative for every other one, past 32 bits for the longs.
      const value = (i % 2 ? -1 : 1) * (bytes === 8 ? 2 ** 40 + i : 1000 + i);
      if (bytes === 8) view.setBigInt64(offset, BigInt(value), littleEndian);
      else view.setInt32(offset, value, littleEndian);
      want[field] = value;
    });
    assert.deepEqual(decodeTimex(buffer, 3, littleEndian), want);
  });
}

test('decodeTimex refuses a buffer shorter than struct timex', () => {
  assert.throws(() => decodeTimex(Buffer.alloc(TIMEX_SIZE - 8), 0), { message: 'struct timex needs 208 bytes, got 200' });
});

test('EPERM from adjtimex (a seccomp profile) is no data; another error fails the collector with its message', async () => {
  const eperm = Object.assign(new Error('adjtimex: EPERM'), { code: 'EPERM' });
  await assert.rejects(scrape(createCollector(timexCollector, { options: fixed(eperm) })), NoDataError);
  await assert.rejects(scrape(createCollector(timexCollector, { options: fixed(unloadable) })), unloadable);
});

test('a timex collector that cannot load its FFI fails its own scrape only', async () => {
  const scraper = new HostScraper({
    collectors: [entropyCollector, timexCollector],
    paths: fixturePaths,
    collectorOptions: fixed(unloadable),
  });
  const text = renderText(await scraper.scrape());
  assert.equal(sampleValue(text, 'node_scrape_collector_success', { collector: 'timex' }), 0);
  assert.equal(sampleValue(text, 'node_scrape_collector_success', { collector: 'entropy' }), 1);
  assert.ok(!text.includes('node_timex_'));
});

test('adjtimex on this host, read only, through koffi: a clock state and the tick of a running kernel', { skip: process.platform !== 'linux' && 'Linux only' }, async () => {
  const timex = await readTimex();
  assert.ok(timex.state >= 0 && timex.state <= 5, `state ${timex.state}`);
  // USER_HZ ticks: 10000 µs, within the ±10% the kernel lets adjtimex set.
  assert.ok(timex.tick >= 9000 && timex.tick <= 11000, `tick ${timex.tick}`);
  assert.ok(timex.constant >= 0 && timex.constant <= 10, `constant ${timex.constant}`);
  // Two readings agree on what only an NTP daemon changes, so the call changed nothing it read.
  const again = await readTimex();
  assert.deepEqual([again.status, again.tick, again.tai], [timex.status, timex.tick, timex.tai]);
});
