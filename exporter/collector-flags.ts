/**
 * The command line of a collector table: `--[no-]collector.NAME` for each collector plus the
 * flags each one declares, and the way back from parsed values to what HostScraper takes.
 */
import { booleanFlag, type FlagSpec } from '../common/flags.js';
import type { PartialCollectorOptions } from './collectors/index.js';
import type { CollectorDefinition } from './types.js';

/** `--[no-]collector.NAME`: undefined unless given, so `--collector.disable-defaults` keeps the ones named. */
function toggleFlag(definition: CollectorDefinition): FlagSpec<boolean | undefined> {
  const flag = booleanFlag(`Enable the ${definition.name} collector: ${definition.description}`);
  return { ...flag, default: undefined, showDefault: () => (definition.defaultEnabled ? 'enabled' : 'disabled') };
}

function toggleFlagName(definition: CollectorDefinition): string {
  return `collector.${definition.name}`;
}

/** Every collector's own flags, then every collector's toggle, by flag name. Throws if two flags share a name. */
export function collectorFlagSpecs(collectors: readonly CollectorDefinition[]): Record<string, FlagSpec<unknown>> {
  const specs: Record<string, FlagSpec<unknown>> = {};
  const add = (name: string, spec: FlagSpec<unknown>): void => {
    if (name in specs) throw new Error(`two collector flags are named --${name}`);
    specs[name] = spec;
  };
  for (const definition of collectors) {
    for (const flag of Object.values(definition.flags ?? {})) add(flag.name, flag);
  }
  for (const definition of collectors) add(toggleFlagName(definition), toggleFlag(definition));
  return specs;
}

export interface CollectorSettings {
  enable: string[];
  disable: string[];
  options: PartialCollectorOptions;
}

/** Which collectors the parsed flags turn on and off, and each collector's options from its flags. */
export function collectorSettings(collectors: readonly CollectorDefinition[], values: Readonly<Record<string, unknown>>): CollectorSettings {
  const settings: CollectorSettings = { enable: [], disable: [], options: {} };
  for (const definition of collectors) {
    const toggle = values[toggleFlagName(definition)];
    if (toggle === true) settings.enable.push(definition.name);
    if (toggle === false) settings.disable.push(definition.name);
    const flags = Object.entries(definition.flags ?? {});
    if (flags.length === 0) continue;
    (settings.options as Record<string, Record<string, unknown>>)[definition.name] = Object.fromEntries(
      flags.map(([option, flag]) => [option, values[flag.name]]),
    );
  }
  return settings;
}
