/** udev's database entry for a block device: `E:KEY=value` lines. */
export function parseUdevProperties(text: string): Map<string, string> {
  const properties = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('E:')) continue;
    const eq = line.indexOf('=');
    if (eq > 2) properties.set(line.slice(2, eq), line.slice(eq + 1));
  }
  return properties;
}
