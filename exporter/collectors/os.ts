/** `node_os_info` and `node_os_version` from os-release (node_exporter os_release.go). */
import { statSync } from 'node:fs';
import { describeMetric } from '../../common/metrics.js';
import { rootfsFilePath } from '../paths.js';
import { parseOsRelease } from '../formats/os-release.js';
import { readOptionalTextFile } from '../procfs/read.js';
import { defineCollector } from '../types.js';

const INFO_FIELDS = [
  'BUILD_ID',
  'ID',
  'ID_LIKE',
  'IMAGE_ID',
  'IMAGE_VERSION',
  'NAME',
  'PRETTY_NAME',
  'VARIANT',
  'VARIANT_ID',
  'VERSION',
  'VERSION_CODENAME',
  'VERSION_ID',
] as const;
const INFO_LABELS = INFO_FIELDS.map((field) => field.toLowerCase());

export const osInfoDesc = describeMetric(
  'node_os_info',
  `A metric with a constant '1' value labeled by ${INFO_LABELS.join(', ')}.`,
  'gauge',
  INFO_LABELS,
);
export const osVersionDesc = describeMetric('node_os_version', 'Metric containing the major.minor part of the OS version.', 'gauge', [
  'id',
  'id_like',
  'name',
]);

const supportEndDesc = describeMetric(
  'node_os_support_end_timestamp_seconds',
  'Metric containing the end-of-life date timestamp of the OS.',
  'gauge',
);

/** SUPPORT_END (`YYYY-MM-DD`, as Go's time.DateOnly) → Unix seconds at UTC midnight; an error for any other form. */
export function supportEndSeconds(value: string, source: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const seconds = match === null ? NaN : Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / 1000;
  if (match === null || new Date(seconds * 1000).toISOString().slice(0, 10) !== value) {
    throw new Error(`${source}: SUPPORT_END ${JSON.stringify(value)} is not a YYYY-MM-DD date`);
  }
  return seconds;
}

/** `22.04.3` → 22.04, `12` → 12; undefined when VERSION_ID does not start with a number. */
export function majorMinor(versionId: string): number | undefined {
  const match = /^(\d+)(\.\d+)?/.exec(versionId);
  return match === null ? undefined : Number(match[0]);
}

export const osCollector = defineCollector({
  name: 'os',
  defaultEnabled: true,
  description: 'Distribution name and version from /etc/os-release.',
  create: ({ paths }) => {
    const candidates = [rootfsFilePath(paths, 'etc', 'os-release'), rootfsFilePath(paths, 'usr', 'lib', 'os-release')];
    // As node_exporter: the file is parsed again only when its modification time (or size, or inode) changed.
    let cached: { path: string; stamp: string; fields: Map<string, string> } | undefined;
    const read = async (path: string): Promise<Map<string, string> | undefined> => {
      const stats = statSync(path, { throwIfNoEntry: false });
      if (stats === undefined) return undefined;
      const stamp = `${stats.mtimeMs} ${stats.size} ${stats.ino}`;
      if (cached?.path === path && cached.stamp === stamp) return cached.fields;
      const text = await readOptionalTextFile(path);
      if (text === undefined) return undefined;
      const fields = parseOsRelease(text, path);
      cached = { path, stamp, fields };
      return fields;
    };
    return {
      async update(sink) {
        for (const path of candidates) {
          const fields = await read(path);
          if (fields === undefined) continue;
          const get = (key: string): string => fields.get(key) ?? '';
          sink.add(osInfoDesc, 1, INFO_FIELDS.map(get));
          const version = majorMinor(get('VERSION_ID'));
          if (version !== undefined) sink.add(osVersionDesc, version, [get('ID'), get('ID_LIKE'), get('NAME')]);
          const supportEnd = get('SUPPORT_END');
          if (supportEnd !== '') sink.add(supportEndDesc, supportEndSeconds(supportEnd, path));
          return;
        }
        throw new Error(`no os-release file: tried ${candidates.join(' and ')}`);
      },
    };
  },
});
