// The prober's checks: availability, latency by phase, certificates, failure reasons.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import { PROMETHEUS, labelVariable, promQuery, thresholds, upDownGrid } from './panels.js';

const TARGETS = 'job="prober", target=~"$target"';

export function probesDashboard(): dashboard.Dashboard {
  return new dashboard.DashboardBuilder('Platypus / Probes')
    .uid('platypus-probes')
    .tags(['platypus'])
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .withVariable(labelVariable('target', 'Target', 'probe_success{job="prober"}', { all: true }))
    .withPanel(upDownGrid('Status', `probe_success{${TARGETS}}`, '{{target}} {{location}}').height(6).span(12))
    .withPanel(
      new bargauge.PanelBuilder()
        .title('Availability, last hour (every check)')
        .datasource(PROMETHEUS)
        .withTarget(promQuery(`target:probe_availability:ratio_rate1h{${TARGETS}}`, '{{target}}').instant())
        .unit('percentunit')
        .min(0.9)
        .max(1)
        .decimals(2)
        .thresholds(thresholds([[null, 'red'], [0.99, 'orange'], [0.999, 'green']]))
        .height(6)
        .span(12),
    )
    .withPanel(
      new timeseries.PanelBuilder()
        .title('HTTP latency by phase')
        .datasource(PROMETHEUS)
        .withTarget(promQuery(`sum by (target, phase) (probe_http_duration_seconds{${TARGETS}})`, '{{target}} {{phase}}'))
        .unit('s')
        .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
        .fillOpacity(40)
        .height(8)
        .span(12),
    )
    .withPanel(
      new timeseries.PanelBuilder()
        .title('Check duration, 95th percentile')
        .datasource(PROMETHEUS)
        .withTarget(promQuery(
          `histogram_quantile(0.95, sum by (target, le) (rate(probe_check_duration_seconds_bucket{${TARGETS}}[$__rate_interval])))`,
          '{{target}}'))
        .unit('s')
        .height(8)
        .span(12),
    )
    .withPanel(
      new bargauge.PanelBuilder()
        .title('Certificate expires in')
        .datasource(PROMETHEUS)
        .withTarget(promQuery(`min by (target) (probe_ssl_earliest_cert_expiry{${TARGETS}} - time()) / 86400`, '{{target}}').instant())
        .unit('d')
        .decimals(0)
        .min(0)
        .max(90)
        .thresholds(thresholds([[null, 'red'], [3, 'orange'], [14, 'green']]))
        .height(8)
        .span(12),
    )
    .withPanel(
      new timeseries.PanelBuilder()
        .title('Failed checks by reason')
        .datasource(PROMETHEUS)
        .withTarget(promQuery(`sum by (target, reason) (probe_failure_info{${TARGETS}} == 1)`, '{{target}}: {{reason}}'))
        .unit('short')
        .height(8)
        .span(12),
    )
    .build();
}
