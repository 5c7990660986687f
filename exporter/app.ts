/** The exporter as a fastify instance (landing page + metrics), ready for `listen` or `inject`. */
import type { FastifyInstance } from 'fastify';
import { registerLandingPage } from '../common/landing-page.js';
import { silentLogger, type Logger } from '../common/logging.js';
import { createServer } from '../common/server.js';
import { VERSION } from '../common/version.js';
import type { WebConfig } from '../common/web-config.js';
import { metricsPlugin } from './plugin.js';
import { HostScraper, type HostScraperOptions } from './scrape.js';

export interface ExporterAppOptions extends HostScraperOptions {
  /** Default `/metrics` (`--web.telemetry-path`). */
  telemetryPath?: string;
  /** Default true; false is `--web.disable-exporter-metrics`. */
  exporterMetrics?: boolean;
  webConfig?: WebConfig;
  /** `--web.max-requests` (0 = no limit). */
  maxRequests?: number;
  logger?: Logger;
}

/** Plugins load on `ready()`, `listen()` or the first `inject()`. */
export function buildExporterApp({
  telemetryPath = '/metrics',
  exporterMetrics = true,
  webConfig,
  maxRequests = 0,
  logger = silentLogger(),
  ...scraperOptions
}: ExporterAppOptions = {}): FastifyInstance {
  const host = new HostScraper({ ...scraperOptions, logger });
  const app = createServer({ logger, webConfig, maxRequests });
  if (telemetryPath !== '/') {
    registerLandingPage(app, {
      name: 'Platypus Exporter',
      description: 'Host metrics for Prometheus, compatible with node_exporter.',
      version: VERSION,
      links: [{ href: telemetryPath, text: 'Metrics' }],
    });
  }
  void app.register(metricsPlugin, { path: telemetryPath, host, exporterMetrics });
  return app;
}
