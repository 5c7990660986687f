/**
 * Checks `Authorization: Basic …` against the bcrypt hashes of a web config without letting a
 * flood of logins stall the server: compares run on worker threads; a credential's result is
 * remembered (successes while the hash stands, failures briefly), keyed by an HMAC of user and
 * password under a key made per process, never the password itself; identical checks in flight
 * share one compare; and an unknown user costs a compare at the configured cost, so timing does
 * not tell which users exist.
 */
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { WorkerPool, WorkerPoolBusyError } from './worker-pool.js';

export interface CompareJob {
  password: string;
  hash: string;
}

/** `ok`; `denied` (missing, malformed or wrong credentials); `busy` (too many compares waiting). */
export type AuthOutcome = 'ok' | 'denied' | 'busy';

export interface BasicAuthOptions {
  /** How long a failed credential answers `denied` without a new compare. */
  failureCacheMs?: number;
  /** Compares waiting for a thread beyond which new ones are refused as `busy`. */
  maxQueued?: number;
}

const MAX_REMEMBERED = 4096;
const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The cost field of a `$2b$10$…` hash. */
function bcryptCost(hash: string): number {
  return Number(/^\$2[aby]\$(\d\d)\$/.exec(hash)?.[1] ?? 10);
}

/** A well-formed hash of nothing anyone knows, at `cost`: comparing against it takes as long as a real check. */
function dummyHash(cost: number): string {
  let body = '';
  for (let i = 0; i < 53; i++) body += BCRYPT_ALPHABET[randomInt(BCRYPT_ALPHABET.length)];
  return `$2b$${String(cost).padStart(2, '0')}$${body}`;
}

/** A Map used as a bounded cache: the oldest entry goes when it is full. */
function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  if (map.size >= MAX_REMEMBERED) map.delete(map.keys().next().value!);
  map.set(key, value);
}

export class BasicAuthVerifier {
  readonly #users: ReadonlyMap<string, string>;
  readonly #dummyHash: string;
  readonly #failureCacheMs: number;
  readonly #pool: WorkerPool<CompareJob, boolean>;
  readonly #hmacKey = randomBytes(32);
  /** credential key → the hash it was verified against */
  readonly #verified = new Map<string, string>();
  /** credential key → when its failure is forgotten */
  readonly #failed = new Map<string, number>();
  readonly #inFlight = new Map<string, Promise<AuthOutcome>>();

  constructor(users: ReadonlyMap<string, string>, { failureCacheMs = 10_000, maxQueued = 32 }: BasicAuthOptions = {}) {
    this.#users = users;
    this.#dummyHash = dummyHash(Math.max(4, ...[...users.values()].map(bcryptCost)));
    this.#failureCacheMs = failureCacheMs;
    this.#pool = new WorkerPool<CompareJob, boolean>({
      script: new URL('./bcrypt-worker.js', import.meta.url),
      size: Math.max(1, Math.min(2, availableParallelism() - 1)),
      maxQueued,
      resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
    });
  }

  async check(authorization: string | undefined): Promise<AuthOutcome> {
    const match = authorization === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
    if (match === null) return 'denied';
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) return 'denied';
    const user = decoded.slice(0, colon);
    const hash = this.#users.get(user);
    // The user name holds no colon, so `user:password` names one credential.
    const key = createHmac('sha256', this.#hmacKey).update(decoded).digest('base64');
    if (hash !== undefined && this.#verified.get(key) === hash) return 'ok';
    if ((this.#failed.get(key) ?? 0) > Date.now()) return 'denied';
    let pending = this.#inFlight.get(key);
    if (pending === undefined) {
      pending = this.#compare(key, decoded.slice(colon + 1), hash).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    return pending;
  }

  /** Ends the compare threads. */
  close(): Promise<void> {
    return this.#pool.close();
  }

  async #compare(key: string, password: string, hash: string | undefined): Promise<AuthOutcome> {
    let matches: boolean;
    try {
      matches = await this.#pool.run({ password, hash: hash ?? this.#dummyHash });
    } catch (error) {
      if (error instanceof WorkerPoolBusyError) return 'busy';
      throw error;
    }
    if (matches && hash !== undefined) {
      remember(this.#verified, key, hash);
      return 'ok';
    }
    remember(this.#failed, key, Date.now() + this.#failureCacheMs);
    return 'denied';
  }
}
