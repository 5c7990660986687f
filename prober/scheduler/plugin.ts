/**
 * Fastify plugin serving the scheduler's status page at `/` (its browser modules under
 * `/status-page/`), this prober's targets as JSON at `/api/v1/targets`, and what the page shows
 * (with its peers' locations and maintenance windows, when configured) at `/api/v1/status`.
 * The scheduler's series go on the prober's own /metrics through `scheduler.renderMetrics()`.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { PUBLIC_ROUTE } from '../../common/server.js';
import { BROWSER_MODULES, browserModule, renderStatusPage } from '../server/status-page/page.js';
import type { StatusPageSources } from '../server/status-page/sources.js';
import type { Scheduler } from './scheduler.js';
import { statusSnapshot } from './snapshot.js';

export interface SchedulerPluginOptions {
  scheduler: Scheduler;
  /**
   * While this says false (a prober whose config has no scheduler section yet), `/` serves
   * `idlePage` (404 without one) and the API answers 404; a reload that adds the section turns both on.
   */
  active?: () => boolean;
  idlePage?: string;
  /** Serves the page, its modules and the API without basic auth (`--web.public-status-page`). */
  publicAccess?: boolean;
  /** Leaves failure reasons and status codes out of the page and the API (`--web.public-status-page.hide-errors`). */
  hideErrors?: boolean;
  /** Peers and Alertmanager the page also reads (`--status-page.peer`, `--status-page.alertmanager-url`). */
  sources?: StatusPageSources;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const NOT_SCHEDULING = 'no scheduler section in the config: nothing is scheduled\n';

async function schedulerRoutes(app: FastifyInstance, { scheduler, active = () => true, idlePage, publicAccess = false, hideErrors = false, sources }: SchedulerPluginOptions): Promise<void> {
  const routeOptions = { config: publicAccess ? PUBLIC_ROUTE : {} };
  const snapshot = () => statusSnapshot(scheduler, Date.now(), { hideErrors });
  // Many viewers polling at once share one JSON build per change (at most one per second).
  let cached: { version: number; second: number; json: string } | undefined;
  const snapshotJson = (): string => {
    const second = Math.floor(Date.now() / 1000);
    if (cached === undefined || cached.version !== scheduler.version || cached.second !== second) {
      cached = { version: scheduler.version, second, json: JSON.stringify(snapshot()) };
    }
    return cached.json;
  };
  const pageSnapshot = () => (sources === undefined ? snapshot() : sources.page(snapshot()));

  app.get('/api/v1/status', routeOptions, async (_request, reply) => {
    if (!active()) return reply.code(404).type('text/plain; charset=utf-8').send(NOT_SCHEDULING);
    const json = sources === undefined ? snapshotJson() : JSON.stringify(await pageSnapshot());
    return reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(json);
  });

  app.get('/api/v1/targets', routeOptions, async (_request, reply) => {
    if (!active()) return reply.code(404).type('text/plain; charset=utf-8').send(NOT_SCHEDULING);
    return reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(snapshotJson());
  });

  for (const name of BROWSER_MODULES) {
    app.get(`/status-page/${name}`, routeOptions, async (_request, reply) =>
      reply.header('cache-control', 'no-cache').type('text/javascript; charset=utf-8').send(await browserModule(name)),
    );
  }

  app.get<{ Querystring: { group_by?: string } }>('/', routeOptions, async (request, reply) => {
    if (!active()) {
      if (idlePage === undefined) return reply.code(404).type('text/plain; charset=utf-8').send(NOT_SCHEDULING);
      return reply.type('text/html; charset=utf-8').send(idlePage);
    }
    const groupBy = request.query.group_by;
    if (groupBy !== undefined && !LABEL_NAME.test(groupBy)) {
      return reply.code(400).type('text/plain; charset=utf-8').send(`group_by must be a label name, got ${JSON.stringify(groupBy)}\n`);
    }
    const html = renderStatusPage(await pageSnapshot(), { groupBy: groupBy === '' ? undefined : groupBy });
    return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
  });
}

export const schedulerPlugin = fp(schedulerRoutes, { name: 'platypus-scheduler', fastify: '5.x' });
