/**
 * Parsed, validated modules in blackbox.yml's shape. Field names are blackbox's own snake_case keys,
 * so a module prints back as the YAML it came from (debug output, `/config`). Defaults are already
 * applied and regexes compiled by the config loader: probers never re-check these. Every protocol's
 * section is present (its defaults when not set), as in blackbox.
 */
import type { ProberName, Sections } from './protocols.js';

export type Module = Sections & {
  prober: ProberName;
  /** Seconds; 0 means "no module limit" (the scrape timeout decides). */
  timeout: number;
};
