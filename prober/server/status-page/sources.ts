/**
 * What the status page reads besides this prober: its peers' /api/v1/targets (other locations)
 * and the silences in force in Alertmanager (maintenance). Every read is bounded in time and size;
 * one that fails becomes a notice on the page, never an error of the page.
 */
import { request } from 'undici';
import { baseUrl, readBounded } from '../../../common/http-read.js';
import type { Logger } from '../../../common/logging.js';
import { singleFlight } from '../../../common/single-flight.js';
import { firstActive, SilencesClient, type ActiveSilence } from '../../../maintenance/silences.js';
import { withoutErrors, type StatusSnapshot } from '../../scheduler/snapshot.js';
import { mergeLocations, type PageSnapshot, type PeerSnapshot } from './merge.js';

export const DEFAULT_SOURCE_TIMEOUT_MS = 2_000;
/** A peer with 50,000 targets answers ~40 MiB; more than this is not a status snapshot. */
const MAX_PEER_BYTES = 64 * 1024 * 1024;
/** Many viewers share one read of the peers and Alertmanager per this period. */
const REUSE_MS = 1_000;

export interface StatusPageSourcesOptions {
  /** Base URLs of the other probers (`--status-page.peer`); basic auth may be given in the URL. */
  peers?: readonly string[];
  /** Alertmanager URLs (`--status-page.alertmanager-url`): the first of them to answer wins. */
  alertmanagers?: readonly string[];
  timeoutMs?: number;
  maxPeerBytes?: number;
  /** Leaves the peers' failure reasons and status codes out too (`--web.public-status-page.hide-errors`). */
  hideErrors?: boolean;
  logger?: Logger;
}

function isStatusSnapshot(value: unknown): value is StatusSnapshot {
  const snapshot = value as StatusSnapshot;
  return (
    typeof snapshot === 'object' && snapshot !== null && Array.isArray(snapshot.targets) &&
    (snapshot.location === null || typeof snapshot.location === 'string') &&
    Number.isFinite(snapshot.refreshSeconds) && snapshot.refreshSeconds >= 1 &&
    snapshot.targets.every((t) => typeof t?.target === 'string' && typeof t.module === 'string' && typeof t.state === 'string' && typeof t.labels === 'object' && t.labels !== null)
  );
}

async function readPeer(base: URL, timeoutMs: number, maxBytes: number): Promise<StatusSnapshot> {
  const url = new URL('api/v1/targets', base);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (url.username !== '') {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = url.password = '';
  }
  const response = await request(url, { headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new Error(`HTTP ${response.statusCode}`);
  }
  const text = await readBounded(response.body, maxBytes, 'answer');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('answer is not JSON');
  }
  if (!isStatusSnapshot(parsed)) throw new Error('answer is not a status snapshot');
  return parsed;
}

const reason = (error: unknown): string => {
  const e = error as Error;
  return e.name === 'TimeoutError' || e.name === 'AbortError' ? 'timeout' : e.message;
};

interface Remote {
  peers: PeerSnapshot[];
  silences: ActiveSilence[];
  notices: string[];
}

export class StatusPageSources {
  private readonly peers: URL[];
  private readonly alertmanagers: SilencesClient[];
  private readonly timeoutMs: number;
  private readonly maxPeerBytes: number;
  /** Each peer's location as last read, to name it while it does not answer. */
  private readonly names = new Map<string, string>();
  private readonly readShared = singleFlight(() => this.read());
  private reused: { at: number; remote: Remote } | undefined;

  constructor(private readonly options: StatusPageSourcesOptions) {
    this.peers = (options.peers ?? []).map(baseUrl);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS;
    this.maxPeerBytes = options.maxPeerBytes ?? MAX_PEER_BYTES;
    this.alertmanagers = (options.alertmanagers ?? []).map((url) => new SilencesClient(url, { timeoutMs: this.timeoutMs }));
  }

  /** The page's snapshot: `local` merged with what the peers and Alertmanager say now. */
  async page(local: StatusSnapshot): Promise<PageSnapshot> {
    if (this.peers.length === 0 && this.alertmanagers.length === 0) return local;
    const now = Date.now();
    let remote = this.reused !== undefined && now - this.reused.at < REUSE_MS ? this.reused.remote : undefined;
    if (remote === undefined) {
      remote = await this.readShared();
      this.reused = { at: Date.now(), remote };
    }
    return mergeLocations(local, remote.peers, remote.silences, remote.notices);
  }

  private async read(): Promise<Remote> {
    const [peers, silences] = await Promise.all([Promise.all(this.peers.map((url) => this.readPeer(url))), this.readSilences()]);
    return { peers, silences: silences ?? [], notices: silences === undefined ? ['Alertmanager unreachable: maintenance windows not shown'] : [] };
  }

  private async readPeer(url: URL): Promise<PeerSnapshot> {
    const fallbackName = this.names.get(url.href) ?? url.host;
    try {
      let snapshot = await readPeer(url, this.timeoutMs, this.maxPeerBytes);
      if (this.options.hideErrors === true) snapshot = { ...snapshot, targets: snapshot.targets.map(withoutErrors) };
      const location = snapshot.location ?? url.host;
      this.names.set(url.href, location);
      return { location, snapshot };
    } catch (error) {
      this.options.logger?.warn({ peer: url.host, err: reason(error) }, 'status page peer unreachable');
      return { location: fallbackName, error: reason(error) };
    }
  }

  /** The silences of the first Alertmanager to answer; undefined when none does. */
  private async readSilences(): Promise<ActiveSilence[] | undefined> {
    if (this.alertmanagers.length === 0) return [];
    try {
      return await firstActive(this.alertmanagers);
    } catch (error) {
      this.options.logger?.warn({ err: (error as Error).message }, 'status page: no Alertmanager answered');
      return undefined;
    }
  }
}
