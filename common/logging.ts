/** The one logger both programs use: pino, printing logfmt (node_exporter's default) or JSON. */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['logfmt', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** Where lines go; standard error by default, as the Prometheus exporters do. */
  destination?: NodeJS.WritableStream;
}

function logfmtValue(value: unknown): string {
  const text = typeof value === 'string' ? value : value instanceof Object ? JSON.stringify(value) : String(value);
  return /^[^\s"=\\]+$/.test(text) ? text : JSON.stringify(text);
}

/** Turns one pino JSON line into `ts=… level=… msg=… key=value`. */
export function toLogfmt(line: string): string {
  const { time, level, msg, pid: _pid, hostname: _hostname, ...rest } = JSON.parse(line) as Record<string, unknown>;
  const parts = [`ts=${new Date(time as number).toISOString()}`, `level=${level as string}`];
  if (msg !== undefined) parts.push(`msg=${logfmtValue(msg)}`);
  for (const [key, value] of Object.entries(rest)) {
    const flat = key === 'err' && value instanceof Object && 'message' in value ? (value as { message: unknown }).message : value;
    parts.push(`${key}=${logfmtValue(flat)}`);
  }
  return `${parts.join(' ')}\n`;
}

export function createLogger({ level = 'info', format = 'logfmt', destination = process.stderr }: LoggerOptions = {}): Logger {
  const stream: DestinationStream =
    format === 'json'
      ? { write: (line: string) => void destination.write(line) }
      : { write: (line: string) => void destination.write(toLogfmt(line)) };
  return pino(
    {
      level,
      base: undefined,
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.epochTime,
    },
    stream,
  );
}

/** A logger that drops everything: the default for library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
