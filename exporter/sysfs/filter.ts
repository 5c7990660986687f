/** node_exporter's deviceFilter: include and exclude may both be set, and a name must pass both. */
import type { GoRegExp } from '../../common/regex.js';
export interface IncludeExclude {
  include?: GoRegExp;
  exclude?: GoRegExp;
}

export function isIgnored(filter: IncludeExclude, name: string): boolean {
  return (filter.exclude?.test(name) ?? false) || (filter.include !== undefined && !filter.include.test(name));
}
