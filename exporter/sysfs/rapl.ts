/** /sys/class/powercap: RAPL zones (`package-0`, `core`, `dram`…) and their energy counters. */

export interface RaplZone {
  /** `package-0` → `package`. */
  name: string;
  /** From the name's `-N` suffix, else the count of earlier zones with the same name. */
  index: number;
  dir: string;
}

/** Zones in directory order from each zone directory's `name` text; directories without a name are not zones. */
export function raplZones(entries: readonly { dir: string; nameText: string | undefined }[]): RaplZone[] {
  const nextIndex = new Map<string, number>();
  const zones: RaplZone[] = [];
  for (const { dir, nameText } of entries) {
    if (nameText === undefined) continue;
    let name = nameText.trim();
    const parts = name.split('-');
    let index: number;
    if (parts.length === 2 && /^[+-]?\d+$/.test(parts[1] as string)) {
      name = parts[0] as string;
      index = Number(parts[1]);
    } else {
      index = nextIndex.get(name) ?? 0;
    }
    nextIndex.set(name, index + 1);
    zones.push({ name, index, dir });
  }
  return zones;
}

/** node_exporter's SanitizeMetricName: each run of other characters, with the underscores around it, becomes one `_`. */
export function sanitizeMetricName(name: string): string {
  return name.replace(/_*[^0-9A-Za-z_]+_*/g, '_');
}
