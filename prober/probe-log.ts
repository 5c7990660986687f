/** A probe's own log lines, kept for blackbox's `?debug=true` view. */
import { pino } from 'pino';
import { toLogfmt, type Logger } from '../common/logging.js';

export interface CapturingLogger {
  logger: Logger;
  /** Every line logged so far, logfmt, one per line. */
  text(): string;
}

/** A debug-level logger bound to the probe whose lines are kept. */
export function capturingLogger(bindings: Record<string, string>): CapturingLogger {
  const lines: string[] = [];
  const logger = pino(
    { level: 'debug', base: bindings, formatters: { level: (label) => ({ level: label }) }, timestamp: pino.stdTimeFunctions.epochTime },
    { write: (line: string) => void lines.push(toLogfmt(line)) },
  );
  return { logger, text: () => lines.join('') };
}
