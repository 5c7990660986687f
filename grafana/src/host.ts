// One host (panel) in depth.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import { PROMETHEUS, labelVariable, promQuery } from './panels.js';

const HOST = 'job="node", instance="$instance"';

function graph(title: string, unit: string, ...queries: Array<[string, string]>): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder().title(title).datasource(PROMETHEUS).unit(unit).height(8).span(12);
  queries.forEach(([expr, legend], index) => panel.withTarget(promQuery(expr, legend, String.fromCharCode(65 + index))));
  return panel;
}

function single(title: string, expr: string, unit: string): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .datasource(PROMETHEUS)
    .withTarget(promQuery(expr).instant())
    .unit(unit)
    .height(4)
    .span(6);
}

export function hostDashboard(): dashboard.Dashboard {
  return new dashboard.DashboardBuilder('Platypus / Host')
    .uid('platypus-host')
    .tags(['platypus'])
    .refresh('30s')
    .time({ from: 'now-3h', to: 'now' })
    .timezone('browser')
    .withVariable(labelVariable('instance', 'Host', 'node_uname_info{job="node"}'))
    .withPanel(single('Uptime', `time() - node_boot_time_seconds{${HOST}}`, 's'))
    .withPanel(single('CPUs', `instance:node_num_cpu:sum{${HOST}}`, 'short'))
    .withPanel(single('Memory', `node_memory_MemTotal_bytes{${HOST}}`, 'bytes'))
    .withPanel(single('Load per CPU', `instance:node_load1_per_cpu:ratio{${HOST}}`, 'short'))
    .withPanel(graph('CPU by mode', 'percentunit',
      [`sum by (mode) (rate(node_cpu_seconds_total{${HOST}, mode!="idle"}[$__rate_interval])) / scalar(instance:node_num_cpu:sum{${HOST}})`, '{{mode}}']))
    .withPanel(graph('Memory', 'bytes',
      [`node_memory_MemTotal_bytes{${HOST}} - node_memory_MemAvailable_bytes{${HOST}}`, 'used'],
      [`node_memory_MemAvailable_bytes{${HOST}}`, 'available']))
    .withPanel(graph('Load', 'short',
      [`node_load1{${HOST}}`, '1m'], [`node_load5{${HOST}}`, '5m'], [`node_load15{${HOST}}`, '15m']))
    .withPanel(graph('Filesystems used', 'percentunit',
      [`instance:node_filesystem_usage:ratio{${HOST}}`, '{{mountpoint}}']).min(0).max(1))
    .withPanel(graph('Network', 'Bps',
      [`rate(node_network_receive_bytes_total{${HOST}, device!="lo"}[$__rate_interval])`, '{{device}} in'],
      [`rate(node_network_transmit_bytes_total{${HOST}, device!="lo"}[$__rate_interval])`, '{{device}} out']))
    .withPanel(graph('Disk I/O', 'Bps',
      [`rate(node_disk_read_bytes_total{${HOST}}[$__rate_interval])`, '{{device}} read'],
      [`rate(node_disk_written_bytes_total{${HOST}}[$__rate_interval])`, '{{device}} written']))
    .build();
}
