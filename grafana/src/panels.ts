// Building blocks shared by the three dashboards.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';

/** The datasource provisioned by grafana/provisioning/datasources/prometheus.yml. */
export const PROMETHEUS: common.DataSourceRef = { type: 'prometheus', uid: 'prometheus' };

export function promQuery(expr: string, legend = '', refId = 'A'): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder().datasource(PROMETHEUS).expr(expr).legendFormat(legend).refId(refId);
}

/** An instant query in table form (one row per series). */
export function promTable(expr: string): prometheus.DataqueryBuilder {
  return promQuery(expr).instant().format(prometheus.PromQueryFormat.Table);
}

export function thresholds(steps: Array<[number | null, string]>): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps(steps.map(([value, color]) => ({ value, color })));
}

const UP_DOWN: dashboard.ValueMapping[] = [
  {
    type: dashboard.MappingType.ValueToText,
    options: {
      '0': { text: 'DOWN', color: 'red', index: 0 },
      '1': { text: 'UP', color: 'green', index: 1 },
    },
  },
];

/** A grid of red/green tiles, one per series of `expr` (0 = down, 1 = up). */
export function upDownGrid(title: string, expr: string, legend: string): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .datasource(PROMETHEUS)
    .withTarget(promQuery(expr, legend).instant())
    .mappings(UP_DOWN)
    .thresholds(thresholds([[null, 'red'], [1, 'green']]))
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.ValueAndName)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .orientation(common.VizOrientation.Horizontal);
}

/** A query variable over the values of one label. */
export function labelVariable(name: string, label: string, metric: string, options: { all?: boolean } = {}): dashboard.QueryVariableBuilder {
  const variable = new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(PROMETHEUS)
    .query(`label_values(${metric}, ${name})`)
    .definition(`label_values(${metric}, ${name})`)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
  return options.all === true ? variable.multi(true).includeAll(true).allValue('.+') : variable;
}
