/** The footer of a TZif file (RFC 8536 §3.3): the POSIX TZ rule for times after the last transition. */

export interface ZoneRule {
  /** Standard time's abbreviation, e.g. `CET`, `IST`, `-03`. */
  standard: string;
  /** Standard time's offset east of UTC, in seconds. */
  standardOffsetSeconds: number;
  /** Daylight saving time's abbreviation, when the zone has one. */
  daylight: string | undefined;
}

const NAME = /^(?:<([+\-0-9A-Za-z]+)>|([A-Za-z]{3,}))/;
const OFFSET = /^([+-]?)(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?/;

/** Parses a POSIX TZ string such as `CET-1CEST,M3.5.0,M10.5.0/3` or `<-03>3`. */
export function parsePosixTz(rule: string, source = 'TZ rule'): ZoneRule {
  const std = NAME.exec(rule);
  if (std === null) throw new Error(`${source}: no zone abbreviation at the start of ${JSON.stringify(rule)}`);
  let rest = rule.slice(std[0].length);
  const offset = OFFSET.exec(rest);
  if (offset === null) throw new Error(`${source}: no UTC offset after ${JSON.stringify(std[0])} in ${JSON.stringify(rule)}`);
  rest = rest.slice(offset[0].length);
  // POSIX offsets count west of UTC: CET-1 is one hour east.
  const seconds = Number(offset[2]) * 3600 + Number(offset[3] ?? 0) * 60 + Number(offset[4] ?? 0);
  const dst = NAME.exec(rest);
  return {
    standard: std[1] ?? (std[2] as string),
    standardOffsetSeconds: offset[1] === '-' ? seconds : 0 - seconds, // 0 - x: no -0 for UTC
    daylight: dst === null ? undefined : (dst[1] ?? dst[2]),
  };
}

/** The rule in a TZif (version 2+) file's footer, or undefined for version 1 files and empty footers. */
export function parseTzifFooter(data: Buffer, source = 'TZif file'): ZoneRule | undefined {
  if (data.length < 44 || data.toString('latin1', 0, 4) !== 'TZif') throw new Error(`${source}: not a TZif file`);
  if (data[4] === 0 || data[data.length - 1] !== 0x0a) return undefined;
  const start = data.lastIndexOf(0x0a, data.length - 2);
  const footer = data.toString('latin1', start + 1, data.length - 1);
  return footer === '' ? undefined : parsePosixTz(footer, source);
}

/** The abbreviation in use at a given offset: daylight time when the offset is not standard time's. */
export function zoneAbbreviation(rule: ZoneRule, offsetSeconds: number): string {
  return rule.daylight !== undefined && offsetSeconds !== rule.standardOffsetSeconds ? rule.daylight : rule.standard;
}
