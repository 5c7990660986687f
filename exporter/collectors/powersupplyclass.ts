/** `node_power_supply_*{power_supply}` and `node_power_supply_info` from /sys/class/power_supply (node_exporter powersupplyclass_linux.go). */
import { compileRegex } from '../../common/regex.js';
import { regexpFlag } from '../../common/flags.js';
import { describeMetric, type MetricDesc } from '../../common/metrics.js';
import { sysFilePath } from '../paths.js';
import { readClassDevices } from '../sysfs/attributes.js';
import { parsePowerSupply, POWER_SUPPLY_ATTRIBUTES, POWER_SUPPLY_TEXTS } from '../sysfs/power-supply.js';
import { sharedSysfsReader, type SysfsReaderOption } from '../sysfs/read.js';
import { collectorFlag, defineCollector, type CollectorContext, type CollectorFlagValues } from '../types.js';

const powerSupplyClassFlags = {
  ignoredSupplies: collectorFlag(
    'collector.powersupply.ignored-supplies',
    regexpFlag('Regexp of power supplies to ignore for powersupplyclass collector.', compileRegex('^$')),
  ),
};

type PowerSupplyClassOptions = CollectorFlagValues<typeof powerSupplyClassFlags> & SysfsReaderOption;

const INFO_HELP = 'info of /sys/class/power_supply/<power_supply>.';

export const powerSupplyClassCollector = defineCollector({
  name: 'powersupplyclass',
  defaultEnabled: true,
  description: 'Batteries and AC adapters: charge, energy, voltage, state, from /sys/class/power_supply.',
  flags: powerSupplyClassFlags,
  create: ({ paths, logger, options }: CollectorContext<PowerSupplyClassOptions>) => {
    const supplyDir = sysFilePath(paths, 'class', 'power_supply');
    const reader = options.reader ?? sharedSysfsReader();
    const descs = new Map<string, MetricDesc>();
    const cached = (key: string, make: () => MetricDesc): MetricDesc => {
      let desc = descs.get(key);
      if (desc === undefined) descs.set(key, (desc = make()));
      return desc;
    };
    return {
      async update(sink, signal) {
        const devices = await readClassDevices(reader, supplyDir, POWER_SUPPLY_ATTRIBUTES, {
          signal,
          logger,
          keep: (name) => !options.ignoredSupplies.test(name),
        });
        const supplies = devices.map(({ device, attributes }) => [device, parsePowerSupply(attributes.values)] as const);
        for (const [name, { numbers }] of supplies) {
          for (const [metric, value] of numbers) {
            const desc = cached(metric, () =>
              describeMetric(`node_power_supply_${metric}`, `${metric} value of /sys/class/power_supply/<power_supply>.`, 'gauge', ['power_supply']),
            );
            sink.add(desc, value, [name]);
          }
        }
        // One family needs one label set: the text attributes any supply has, empty (the same as absent) where another lacks them.
        const keys = ['power_supply', ...POWER_SUPPLY_TEXTS.filter((key) => supplies.some(([, supply]) => supply.texts.has(key)))].sort();
        const infoDesc = cached(`info:${keys.join()}`, () => describeMetric('node_power_supply_info', INFO_HELP, 'gauge', keys));
        for (const [name, { texts }] of supplies) {
          sink.add(infoDesc, 1, keys.map((key) => (key === 'power_supply' ? name : (texts.get(key) ?? ''))));
        }
      },
    };
  },
});
