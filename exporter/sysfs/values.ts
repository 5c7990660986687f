/** Number formats sysfs attributes use. */

const INTEGER = /^([+-]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]?([0-7]+)|0[bB]([01]+)|([0-9]+))$/;

/**
 * An integer as the kernel prints it: decimal, `0x` hex (netclass `flags`, `dev_id`), `0`/`0o` octal
 * or `0b` binary, surrounding whitespace ignored; undefined when the text is anything else.
 */
export function parseInteger(text: string): number | undefined {
  const match = INTEGER.exec(text.trim());
  if (match === null) return undefined;
  const [, sign, hex, octal, binary, decimal] = match;
  const magnitude =
    hex !== undefined ? parseInt(hex, 16) : octal !== undefined ? parseInt(octal, 8) : binary !== undefined ? parseInt(binary, 2) : Number(decimal);
  return sign === '-' ? -magnitude : magnitude;
}

/** A decimal number (integer or fraction), surrounding whitespace ignored; undefined otherwise. */
export function parseDecimal(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

/** A base-10 integer (Go's ParseInt(s, 10, 64) after trimming); undefined otherwise. */
export function parseBase10(text: string): number | undefined {
  const trimmed = text.trim();
  return /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}
