/**
 * The silences in force, kept up to date in the background for the prober's scheduler: asked of
 * Alertmanager every interval (the first of several to answer wins), each read bounded in time.
 * A failed read keeps the last known set and is logged once, until a read succeeds again.
 */
import type { Logger } from '../common/logging.js';
import { maintenanceSilence } from './matchers.js';
import { firstActive, SilencesClient, type ActiveSilence } from './silences.js';

const SILENCE_POLL_INTERVAL_MS = 15_000;

export interface SilenceWatchOptions {
  /** Alertmanager base URLs. */
  alertmanagers: readonly string[];
  intervalMs?: number;
  /** Bound on each read. */
  timeoutMs: number;
  logger?: Logger;
}

export class SilenceWatch {
  private readonly clients: SilencesClient[];
  private silences: ActiveSilence[] = [];
  private failing = false;
  private started = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly stopController = new AbortController();

  constructor(private readonly options: SilenceWatchOptions) {
    this.clients = options.alertmanagers.map((url) => new SilencesClient(url, { timeoutMs: options.timeoutMs }));
  }

  /** Reads now, then every interval until stop(); resolves once the first read has ended, well or not. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.poll();
  }

  stop(): void {
    this.stopController.abort();
    clearTimeout(this.timer);
  }

  /** Whether a target (its series labels) is inside a window at `nowMs`; a silence that ended since the last read no longer counts. */
  covers(seriesLabels: Readonly<Record<string, string>>, nowMs = Date.now()): boolean {
    return this.silences.length > 0 && maintenanceSilence(seriesLabels, this.silences, nowMs) !== undefined;
  }

  private async poll(): Promise<void> {
    try {
      this.silences = await firstActive(this.clients, this.stopController.signal);
      if (this.failing) this.options.logger?.info('Alertmanager answers again: maintenance windows up to date');
      this.failing = false;
    } catch (error) {
      if (this.stopController.signal.aborted) return;
      if (!this.failing) this.options.logger?.warn({ err: (error as Error).message }, 'no Alertmanager answered: availability keeps the last known maintenance windows');
      this.failing = true;
    }
    if (!this.stopController.signal.aborted) this.timer = setTimeout(() => void this.poll(), this.options.intervalMs ?? SILENCE_POLL_INTERVAL_MS).unref();
  }
}
