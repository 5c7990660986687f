/** The scheduler's default probe: the prober's own `probe()`, with modules from the current config. */
import type { Logger } from '../../common/logging.js';
import type { Config } from '../config.js';
import type { TargetPolicy } from '../net/policy.js';
import { probe } from '../probe.js';
import type { CheckProbe } from './scheduler.js';

/**
 * `currentConfig` is asked on every check, so a reload's modules apply from the next check on;
 * `policy` is the one /probe applies (a denied target fails with reason `policy`).
 */
export function configuredProbe(currentConfig: () => Config, logger?: Logger, policy?: TargetPolicy): CheckProbe {
  return async ({ target, module, timeoutSeconds, signal }) => {
    // The group's timeout plays the scrape timeout's part, with no offset to subtract; the
    // request's signal aborts at that timeout (CheckProbe's contract), so probe() needs no timer
    // unless the module's timeout is shorter.
    const result = await probe({ target, module, config: currentConfig(), scrapeTimeoutSeconds: timeoutSeconds, timeoutOffsetSeconds: 0, signal, signalTimeoutSeconds: timeoutSeconds, logger, policy });
    return { success: result.success, durationSeconds: result.durationSeconds, failureReason: result.failureReason, families: result.families };
  };
}
