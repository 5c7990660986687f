/** The public API of `platypus-monitor/exporter`. */
export {
  hostCollectors,
  linuxCollectors,
  fallbackCollectors,
  defaultCollectorOptions,
  type CollectorOptions,
  type PartialCollectorOptions,
} from './collectors/index.js';
export { fallbackCollectorsFor, type FallbackHost, type OsModule, type SystemInformation, type SystemInfoTiming } from './fallback/index.js';
export { registerHostCollectors, type HostCollectorsHandle, type RegisterOptions } from './register.js';
export { metricsPlugin, type MetricsPluginOptions } from './plugin.js';
export { buildExporterApp, type ExporterAppOptions } from './app.js';
export { HostScraper, CollectorFilterError, type HostScraperOptions } from './scrape.js';
export { NoDataError, collectorFlag, defineCollector } from './types.js';
export type { Collector, CollectorContext, CollectorDefinition, CollectorFlag, HostPaths, MetricSink, StatfsFunction } from './types.js';
export * as procfs from './procfs/index.js';
export * as formats from './formats/index.js';
