/** The prober as a fastify instance (landing page + proberPlugin), ready for `listen` or `inject`. */
import type { FastifyInstance } from 'fastify';
import { landingPageHtml, registerLandingPage } from '../../common/landing-page.js';
import { silentLogger, type Logger } from '../../common/logging.js';
import { createServer } from '../../common/server.js';
import { VERSION } from '../../common/version.js';
import type { WebConfig } from '../../common/web-config.js';
import { ConfigStore } from '../config-store.js';
import { PROTOCOL_TITLES } from '../protocols.js';
import { proberPlugin, type ProberPluginOptions } from './plugin.js';
import { registerSchedulerService, type SchedulerService } from '../scheduler/service.js';

export interface ProberAppOptions extends Omit<ProberPluginOptions, 'store'> {
  /** Default: the built-in modules. */
  store?: ConfigStore;
  webConfig?: WebConfig;
  logger?: Logger;
  /** False leaves `/` free for another page (e.g. the scheduler's status page). */
  landingPage?: boolean;
  /** The prober's own scheduler: its status page replaces the landing page while it schedules, its series join /metrics. */
  scheduler?: SchedulerService;
}

const LANDING_PAGE = {
  name: 'Platypus Prober',
  description: `Probes endpoints over ${PROTOCOL_TITLES}, compatible with blackbox_exporter.`,
  version: VERSION,
  links: [
    { href: '/probe?target=prometheus.io&module=http_2xx', text: 'Probe prometheus.io for http_2xx' },
    { href: '/probe?target=prometheus.io&module=http_2xx&debug=true', text: 'Debug probe prometheus.io for http_2xx' },
    { href: '/metrics', text: 'Metrics' },
    { href: '/config', text: 'Configuration' },
  ],
};

/** Plugins load on `ready()`, `listen()` or the first `inject()`. */
export function buildProberApp({ store, webConfig, logger = silentLogger(), landingPage = true, scheduler, ...pluginOptions }: ProberAppOptions = {}): FastifyInstance {
  const app = createServer({ logger, webConfig });
  if (landingPage && scheduler === undefined) registerLandingPage(app, LANDING_PAGE);
  const metricSources = scheduler === undefined ? pluginOptions.metricSources : [...(pluginOptions.metricSources ?? []), () => scheduler.metricChunks()];
  void app.register(proberPlugin, { ...pluginOptions, metricSources, logger, store: store ?? new ConfigStore({ logger }) });
  if (scheduler !== undefined) registerSchedulerService(app, scheduler, landingPage ? landingPageHtml(LANDING_PAGE) : undefined);
  return app;
}
