/**
 * The `modules:` section of blackbox.yml: one Module per name, with blackbox 0.23's defaults
 * applied, cross-field checks done and regexes compiled, so probers never re-validate. The sections
 * come from the protocol table.
 */
import { GoRegExp } from '../../common/regex.js';
import { type ConfigNode, durationSeconds, entries, field, fields, oneOf } from '../../common/config-walk.js';
import type { Module } from '../module.js';
import { PROBER_NAMES, PROTOCOLS, type ProberName, type Sections } from '../protocols.js';

/** A module of `prober` with every default, as blackbox fills one in. */
export function defaultModule(prober: ProberName, timeout = 0): Module {
  const sections = Object.fromEntries(PROBER_NAMES.map((name) => [name, PROTOCOLS[name].defaults()])) as Sections;
  return { ...sections, prober, timeout };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !(value instanceof GoRegExp) && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function readModule(node: ConfigNode): Module {
  const found = fields(node, ['prober', 'timeout', ...PROBER_NAMES]);
  const proberNode = found.get('prober');
  if (proberNode === undefined || !proberNode.present) return node.fail(`prober must be set (one of: ${PROBER_NAMES.join(', ')})`);
  const module = defaultModule(oneOf(proberNode, PROBER_NAMES, 'prober'), field(found, 'timeout', durationSeconds, 0));
  const sections = module as Record<ProberName, object>;
  for (const name of PROBER_NAMES) sections[name] = field(found, name, PROTOCOLS[name].read, sections[name]);
  return deepFreeze(module);
}

/** `modules:`: name → Module. Absent means no modules (the built-in defaults apply only without a file). */
export function readModules(node: ConfigNode): ReadonlyMap<string, Module> {
  const modules = new Map<string, Module>();
  for (const [name, value] of entries(node)) modules.set(name, readModule(value));
  return modules;
}
