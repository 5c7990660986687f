import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parsePosixTz, parseTzifFooter, zoneAbbreviation } from '../../../exporter/formats/tzfile.js';

const zoneFile = (name: string): Buffer => readFileSync(fileURLToPath(new URL(`../../fixtures/exporter/zoneinfo/${name}`, import.meta.url)));

test('parseTzifFooter: the POSIX rule at the end of real TZif files', () => {
  assert.deepEqual(parseTzifFooter(zoneFile('Berlin')), { standard: 'CET', standardOffsetSeconds: 3600, daylight: 'CEST' });
  assert.deepEqual(parseTzifFooter(zoneFile('Kolkata')), { standard: 'IST', standardOffsetSeconds: 19800, daylight: undefined });
  assert.deepEqual(parseTzifFooter(zoneFile('Sao_Paulo')), { standard: '-03', standardOffsetSeconds: -10800, daylight: undefined });
  assert.deepEqual(parseTzifFooter(zoneFile('UTC')), { standard: 'UTC', standardOffsetSeconds: 0, daylight: undefined });
  assert.throws(() => parseTzifFooter(Buffer.from('not a zone file at all, but long enough to check'), '/etc/localtime'), /\/etc\/localtime: not a TZif file/);
});

test('parsePosixTz and zoneAbbreviation: standard or daylight name by offset', () => {
  const ny = parsePosixTz('EST5EDT,M3.2.0,M11.1.0');
  assert.deepEqual(ny, { standard: 'EST', standardOffsetSeconds: -18000, daylight: 'EDT' });
  assert.equal(zoneAbbreviation(ny, -18000), 'EST');
  assert.equal(zoneAbbreviation(ny, -14400), 'EDT');
  assert.deepEqual(parsePosixTz('<+0530>-5:30'), { standard: '+0530', standardOffsetSeconds: 19800, daylight: undefined });
  assert.throws(() => parsePosixTz('5EST', 'TZ'), /TZ: no zone abbreviation at the start of "5EST"/);
  assert.throws(() => parsePosixTz('EST', 'TZ'), /TZ: no UTC offset after "EST"/);
});
