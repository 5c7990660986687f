/** os-release(5): `KEY=value` lines with shell-style quoting. */

function unquote(value: string, source: string, lineNumber: number): string {
  const quote = value[0];
  if (quote !== '"' && quote !== "'") return value.replace(/\\(.)/g, '$1');
  if (value.length < 2 || value[value.length - 1] !== quote) {
    throw new Error(`${source} line ${lineNumber}: unterminated ${quote} quote`);
  }
  const inner = value.slice(1, -1);
  // Inside double quotes the shell only unescapes $, `, " and \.
  return quote === '"' ? inner.replace(/\\([$`"\\])/g, '$1') : inner;
}

export function parseOsRelease(text: string, source = 'os-release'): Map<string, string> {
  const fields = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`${source} line ${i + 1}: expected KEY=value, got ${JSON.stringify(line)}`);
    fields.set(line.slice(0, eq), unquote(line.slice(eq + 1), source, i + 1));
  }
  return fields;
}
