/**
 * blackbox's query_response dialogue over a connected socket: `expect` reads lines until one
 * matches (a line as Go's bufio.Scanner gives it: split on \n, \r trimmed, 64 KiB at most),
 * `send` writes the text plus "\n" after expanding $1 / ${name} from the last match, `starttls`
 * upgrades the socket in place.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { raceAbort } from '../../common/abort.js';
import type { MetricSink } from '../../common/metrics.js';
import type { RegexMatch } from '../../common/regex.js';
import type { TLSConfig } from '../net/config.js';
import { addTLSMetrics, requireTrusted, startTLS } from '../net/tls.js';
import { TurnPacer } from '../net/turn-budget.js';
import { ProbeError, type ProbeContext } from '../types.js';
import type { QueryResponseStep } from './config.js';

/** Lines each dialogue may always read in a turn, so none starves while others spend the budget. */
const LINES_PER_TURN = 16;
/** bufio.Scanner's default maximum token size. */
const MAX_LINE_BYTES = 64 * 1024;
/** Reading pauses while this much is buffered unread, so a flooding server cannot grow memory. */
const MAX_BUFFERED_BYTES = 2 * MAX_LINE_BYTES;
/**
 * What one `expect` reads before giving up: far more than any banner or status dump sends before
 * the line a module waits for, and a bound on the work a flooding server can cause.
 */
const MAX_EXPECT_LINES = 10_000;
const MAX_EXPECT_BYTES = 1024 * 1024;

/** Reads lines from a socket on demand; detach() hands the socket back untouched (for STARTTLS). */
class LineReader {
  private buffered: Buffer = Buffer.alloc(0);
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  /** A server flooding short lines must not keep the deadline timers, other probes and the HTTP server waiting. */
  private readonly pacer = new TurnPacer(LINES_PER_TURN);
  private readonly onData = (chunk: Buffer): void => {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    if (this.buffered.length >= MAX_BUFFERED_BYTES) this.socket.pause();
    this.wake?.();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.wake?.();
  };
  private readonly onError = (error: Error): void => {
    this.failure = error;
    this.wake?.();
  };

  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
  }

  /** The next line, or undefined at end of stream. Rejects with a ProbeError on abort or error. */
  async nextLine(signal: AbortSignal): Promise<string | undefined> {
    await this.pacer.pace();
    for (;;) {
      if (signal.aborted) throw new ProbeError('timeout', 'Error reading from connection: deadline reached');
      const newline = this.buffered.indexOf(0x0a);
      if (newline >= 0 && newline <= MAX_LINE_BYTES) {
        const line = this.buffered.subarray(0, newline);
        this.buffered = this.buffered.subarray(newline + 1);
        if (this.buffered.length < MAX_BUFFERED_BYTES) this.socket.resume();
        return trimCR(line.toString());
      }
      if (this.buffered.length > MAX_LINE_BYTES) throw new ProbeError('query_response', 'Error reading from connection: line too long');
      if (this.failure !== undefined) {
        throw new ProbeError('connect_error', `Error reading from connection: ${this.failure.message}`, { cause: this.failure });
      }
      if (this.ended) {
        if (this.buffered.length === 0) return undefined;
        const last = this.buffered.toString();
        this.buffered = Buffer.alloc(0);
        return trimCR(last);
      }
      this.socket.resume();
      // Woken by data, end or error; an abort ends the wait and the loop above reports it.
      await raceAbort(new Promise<void>((resolve) => (this.wake = resolve)), signal).catch(() => undefined);
      this.wake = undefined;
    }
  }

  /** Stops reading; bytes already buffered are dropped, as Go drops its old Scanner's buffer. */
  detach(): Socket {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('error', this.onError);
    this.socket.pause();
    return this.socket;
  }
}

function trimCR(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

async function write(socket: Socket, text: string, signal: AbortSignal): Promise<void> {
  const written = new Promise<void>((resolve, reject) => socket.write(text, (error) => (error ? reject(error) : resolve())));
  try {
    await raceAbort(written, signal);
  } catch (error) {
    if (signal.aborted) throw new ProbeError('timeout', 'Failed to send: deadline reached');
    throw new ProbeError('connect_error', `Failed to send: ${(error as Error).message}`, { cause: error });
  }
}

/** The connection a dialogue runs on; both fields are updated as it goes. */
export interface Dialogue {
  /** The socket to use, and to destroy, afterwards: a TLSSocket after STARTTLS. */
  socket: Socket;
  /** Whether an `expect` step read to the end of the stream without a match. */
  failedDueToRegex: boolean;
}

/**
 * Runs the steps; a failed step throws a ProbeError. `serverName` is the target host, the default
 * TLS server name for STARTTLS.
 */
export async function runQueryResponse(
  dialogue: Dialogue,
  steps: readonly QueryResponseStep[],
  tlsConfig: TLSConfig,
  serverName: string,
  sink: MetricSink,
  context: ProbeContext,
): Promise<void> {
  const { logger, signal } = context;
  let reader = new LineReader(dialogue.socket);
  for (const [index, step] of steps.entries()) {
    logger.info({ entry_number: index }, 'Processing query response entry');
    let send = step.send;
    if (step.expect !== undefined) {
      let match: RegexMatch | null = null;
      let line: string | undefined;
      let lines = 0;
      let bytes = 0;
      while ((line = await reader.nextLine(signal)) !== undefined) {
        if (++lines > MAX_EXPECT_LINES || (bytes += line.length + 1) > MAX_EXPECT_BYTES) {
          dialogue.failedDueToRegex = true;
          throw new ProbeError('query_response', `Regexp did not match within ${MAX_EXPECT_LINES} lines or ${MAX_EXPECT_BYTES} bytes: ${step.expect.source}`);
        }
        logger.debug({ line }, 'Read line');
        match = step.expect.exec(line);
        if (match !== null) {
          logger.info({ regexp: step.expect.source, line }, 'Regexp matched');
          break;
        }
      }
      if (match === null) {
        dialogue.failedDueToRegex = true;
        throw new ProbeError('query_response', `Regexp did not match: ${step.expect.source}`);
      }
      dialogue.failedDueToRegex = false;
      if (send !== undefined) send = step.expect.expand(send, match);
    }
    if (send !== undefined && send !== '') {
      logger.debug({ line: send }, 'Sending line');
      await write(dialogue.socket, `${send}\n`, signal);
    }
    if (step.starttls) {
      const secure: TLSSocket = await startTLS(reader.detach(), tlsConfig, serverName, signal);
      dialogue.socket = secure;
      // Reported even for an untrusted chain, so an expired certificate can still alert.
      addTLSMetrics(sink, secure);
      requireTrusted(secure, tlsConfig, 'TLS Handshake (client) failed: ');
      logger.info('TLS Handshake (client) succeeded.');
      reader = new LineReader(secure);
    }
  }
}
