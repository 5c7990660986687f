/**
 * Checks `Authorization: Basic …` against the bcrypt hashes of a web config. bcryptjs is loaded on
 * first use, so a server without users does not carry it.
 */
import { createHash } from 'node:crypto';

type Bcrypt = typeof import('bcryptjs').default;
let bcryptModule: Promise<Bcrypt> | undefined;
function loadBcrypt(): Promise<Bcrypt> {
  bcryptModule ??= import('bcryptjs').then((module) => module.default);
  return bcryptModule;
}

const MAX_CACHED_LOGINS = 1024;

/**
 * A bcrypt costs tens of milliseconds, so successful checks are remembered, keyed by a digest of
 * user, hash and password (never the password itself); a changed password or hash misses the cache.
 */
export class BasicAuthVerifier {
  readonly #users: ReadonlyMap<string, string>;
  readonly #verified = new Set<string>();
  #dummyHash: string | undefined;

  constructor(users: ReadonlyMap<string, string>) {
    this.#users = users;
  }

  get enabled(): boolean {
    return this.#users.size > 0;
  }

  async verify(authorization: string | undefined): Promise<boolean> {
    const match = authorization === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
    if (match === null) return false;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) return false;
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const hash = this.#users.get(user);
    const bcrypt = await loadBcrypt();
    if (hash === undefined) {
      // Spend a bcrypt anyway, so timing does not tell which user names exist.
      await bcrypt.compare(password, (this.#dummyHash ??= bcrypt.hashSync('unused', 10)));
      return false;
    }
    const key = createHash('sha256').update(user).update('\0').update(hash).update('\0').update(password).digest('base64');
    if (this.#verified.has(key)) return true;
    if (!(await bcrypt.compare(password, hash))) return false;
    if (this.#verified.size >= MAX_CACHED_LOGINS) this.#verified.clear();
    this.#verified.add(key);
    return true;
  }
}
