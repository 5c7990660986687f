/** One-off maintenance windows as Alertmanager silences on a panel (Alertmanager's v2 API). */
import { request } from 'undici';
import { baseUrl, readBounded } from '../common/http-read.js';

/** Every request to Alertmanager is bounded: a stuck Alertmanager is an error, not a hang. */
const TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export const CREATED_BY = 'platypus-maintenance';

export interface MaintenanceWindow {
  id: string;
  panel: string;
  startsAt: Date;
  endsAt: Date;
  reason: string;
  createdBy: string;
  state: string;
}

/** A silence matcher as Alertmanager's v2 API gives it (`isEqual` absent means true). */
export interface Matcher { name: string; value: string; isRegex: boolean; isEqual?: boolean }

/** A silence in force now: what it matches, why, and until when. */
export interface ActiveSilence {
  id: string;
  matchers: Matcher[];
  endsAt: Date;
  comment: string;
}

/** A silence as Alertmanager's v2 API lists it. */
export interface GettableSilence {
  id: string;
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  status: { state: string };
}

class AlertmanagerError extends Error {}

export class SilencesClient {
  private readonly base: URL;
  private readonly timeoutMs: number;

  /** `timeoutMs` bounds each request (connect, headers and body), unless the caller's signal ends it sooner. */
  constructor(alertmanagerUrl: string, { timeoutMs = TIMEOUT_MS } = {}) {
    this.timeoutMs = timeoutMs;
    this.base = baseUrl(alertmanagerUrl);
  }

  /** Silences every alert with `panel="<panel>"` from `startsAt` for `seconds`; returns its ID. */
  async start(panel: string, startsAt: Date, seconds: number, reason: string, author: string): Promise<string> {
    const body = {
      matchers: [{ name: 'panel', value: panel, isRegex: false, isEqual: true }],
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + seconds * 1000).toISOString(),
      createdBy: author,
      comment: reason,
    };
    const created = (await this.call('POST', 'api/v2/silences', body)) as { silenceID?: unknown };
    if (typeof created.silenceID !== 'string') throw new AlertmanagerError('Alertmanager answered without a silence ID');
    return created.silenceID;
  }

  /** Every silence Alertmanager holds: active, pending and expired (kept for its retention, 5 days by default). */
  async silences(signal?: AbortSignal): Promise<GettableSilence[]> {
    const silences = await this.call('GET', 'api/v2/silences', undefined, signal);
    if (!Array.isArray(silences)) throw new AlertmanagerError('Alertmanager answered with something other than a list of silences');
    return silences as GettableSilence[];
  }

  /** Maintenance windows on one panel each, current and coming, soonest end first. */
  async list(): Promise<MaintenanceWindow[]> {
    return (await this.silences())
      .filter((s) => s.status?.state === 'active' || s.status?.state === 'pending')
      .flatMap((s): MaintenanceWindow[] => {
        const panel = s.matchers.length === 1 ? s.matchers[0] : undefined;
        if (panel === undefined || panel.name !== 'panel' || panel.isRegex || panel.isEqual === false) return [];
        return [{ id: s.id, panel: panel.value, startsAt: new Date(s.startsAt), endsAt: new Date(s.endsAt), reason: s.comment, createdBy: s.createdBy, state: s.status.state }];
      })
      .sort((a, b) => a.endsAt.getTime() - b.endsAt.getTime());
  }

  /** Every silence in force now, whatever it matches. */
  async active(signal?: AbortSignal): Promise<ActiveSilence[]> {
    return (await this.silences(signal))
      .filter((s) => s.status?.state === 'active' && Array.isArray(s.matchers))
      .map((s) => ({ id: s.id, matchers: s.matchers, endsAt: new Date(s.endsAt), comment: s.comment }));
  }

  /** Alerts of the panel firing now and notified (neither silenced nor inhibited): what a new window holds back. */
  async firing(panel: string): Promise<Array<{ alertname: string; startsAt: Date }>> {
    const query = new URLSearchParams({ filter: `panel=${JSON.stringify(panel)}`, active: 'true', silenced: 'false', inhibited: 'false', unprocessed: 'false' });
    const alerts = await this.call('GET', `api/v2/alerts?${query}`);
    if (!Array.isArray(alerts)) throw new AlertmanagerError('Alertmanager answered with something other than a list of alerts');
    return (alerts as Array<{ labels?: Record<string, string>; startsAt?: string }>).map((alert) => ({
      alertname: alert.labels?.alertname ?? '',
      startsAt: new Date(alert.startsAt ?? ''),
    }));
  }

  /** Ends the window now (expires the silence). */
  async end(id: string): Promise<void> {
    if (!/^[0-9a-f-]{1,64}$/i.test(id)) throw new AlertmanagerError(`not a silence ID: ${JSON.stringify(id)}`);
    await this.call('DELETE', `api/v2/silence/${id}`);
  }

  private async call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, signal?: AbortSignal): Promise<unknown> {
    const url = new URL(path, this.base);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response;
    try {
      response = await request(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: signal === undefined ? timeout : AbortSignal.any([timeout, signal]),
      });
    } catch (error) {
      throw new AlertmanagerError(`${method} ${url.origin}${url.pathname}: ${(error as Error).message}`);
    }
    const text = await readBounded(response.body, MAX_RESPONSE_BYTES, "Alertmanager's answer");
    if (response.statusCode >= 300) {
      throw new AlertmanagerError(`${method} ${url.pathname}: HTTP ${response.statusCode}: ${text.slice(0, 300).trim()}`);
    }
    if (text === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new AlertmanagerError(`${method} ${url.pathname}: the answer is not JSON`);
    }
  }
}

/** The silences in force from the first Alertmanager to answer (of an HA pair, say); throws with every reason when none does. */
export async function firstActive(clients: readonly SilencesClient[], signal?: AbortSignal): Promise<ActiveSilence[]> {
  try {
    return await Promise.any(clients.map((client) => client.active(signal)));
  } catch (error) {
    const errors = error instanceof AggregateError ? error.errors : [error];
    throw new AlertmanagerError(errors.map((e: Error) => e.message).join('; '));
  }
}
