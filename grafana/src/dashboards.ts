// The dashboards Grafana gets, by the file name each is committed under in grafana/dashboards/.
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { fleetDashboard } from './fleet.js';
import { hostDashboard } from './host.js';
import { probesDashboard } from './probes.js';

export const DASHBOARDS: Record<string, () => dashboard.Dashboard> = {
  'fleet.json': fleetDashboard,
  'host.json': hostDashboard,
  'probes.json': probesDashboard,
};

export function dashboardJson(build: () => dashboard.Dashboard): string {
  return `${JSON.stringify(build(), null, 2)}\n`;
}
