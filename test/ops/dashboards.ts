// The queries of the shipped dashboards, as Grafana sends them once its variables are chosen.
import { DASHBOARDS } from '../../grafana/src/dashboards.js';

export interface Query { dashboard: string; panel: string; expr: string }

export function dashboardQueries(): Query[] {
  return Object.values(DASHBOARDS).flatMap((build) => {
    const board = build();
    return (board.panels ?? []).flatMap((panel) => {
      if (!('targets' in panel)) return [];
      return (panel.targets ?? []).map((target) => ({
        dashboard: board.title ?? '',
        panel: panel.title ?? '',
        expr: (target as { expr?: string }).expr ?? '',
      }));
    });
  });
}

/** `expr` with the dashboards' variables set: one host (`instance`), every target, a 1m rate window. */
export function withVariables(expr: string, instance: string): string {
  return expr.replaceAll('$instance', instance).replaceAll('$target', '.+').replaceAll('$__rate_interval', '1m');
}
