// Fleet overview: every panel at a glance (green/red), CPU / memory / disk of all hosts, and the
// probes failing right now.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import { PROMETHEUS, promQuery, promTable, thresholds, upDownGrid } from './panels.js';

function percentOfAll(title: string, expr: string): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title(title)
    .datasource(PROMETHEUS)
    .withTarget(promQuery(expr, '{{instance}}'))
    .unit('percentunit')
    .min(0)
    .max(1)
    .height(8)
    .span(8);
}

export function fleetDashboard(): dashboard.Dashboard {
  return new dashboard.DashboardBuilder('Platypus / Fleet overview')
    .uid('platypus-fleet')
    .tags(['platypus'])
    .refresh('30s')
    .time({ from: 'now-3h', to: 'now' })
    .timezone('browser')
    .withPanel(
      upDownGrid('Panels (from the prober)', 'min without (instance, location) (probe_success{job="prober"})', '{{target}}')
        .description('Every panel the prober checks: red when its last check failed (from every location).')
        .height(8)
        .span(16),
    )
    .withPanel(
      upDownGrid('Exporters', 'up{job="node"}', '{{instance}}').height(8).span(8),
    )
    .withPanel(
      new table.PanelBuilder()
        .title('Probes failing now')
        .description('Panels whose last check failed, with the reason and the prober location.')
        .datasource(PROMETHEUS)
        .withTarget(promTable('probe_failure_info{job="prober"} == 1'))
        .withTransformation({
          id: 'organize',
          options: {
            excludeByName: { Time: true, Value: true, __name__: true, job: true },
            indexByName: { target: 0, reason: 1, location: 2 },
          },
        })
        .noValue('No probe is failing')
        .height(6)
        .span(24),
    )
    .withPanel(percentOfAll('CPU used', 'instance:node_cpu_utilisation:rate5m'))
    .withPanel(percentOfAll('Memory used', 'instance:node_memory_utilisation:ratio'))
    .withPanel(percentOfAll('Fullest filesystem', 'instance:node_filesystem_usage:max_ratio'))
    .withPanel(
      new bargauge.PanelBuilder()
        .title('Availability, last hour')
        .datasource(PROMETHEUS)
        .withTarget(promQuery('target:probe_availability:ratio_rate1h', '{{target}}').instant())
        .unit('percentunit')
        .min(0.9)
        .max(1)
        .decimals(2)
        .thresholds(thresholds([[null, 'red'], [0.99, 'orange'], [0.999, 'green']]))
        .height(8)
        .span(24),
    )
    .build();
}
