/** Parsers of the other files collectors read (`formats` in the public API). */
export { parseOsRelease } from './os-release.js';
export { parseTextFormat, type TextFamily, type TextFamilyType, type TextSample } from './prometheus-text.js';
export { parsePosixTz, parseTzifFooter, zoneAbbreviation, type ZoneRule } from './tzfile.js';
export { parseUdevProperties } from './udev.js';
