/** Secrets come from files (mode 0600, a systemd credential, a Docker secret), never from flags or the log. */
import { readFileSync } from 'node:fs';

/** The file's text without its trailing newline; errors name the file, never what it holds. */
export function readSecretFile(path: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${what} from ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`, { cause: error });
  }
  const secret = text.replace(/\r?\n$/, '');
  if (secret === '' || /[\r\n]/.test(secret)) throw new Error(`${path} must hold the ${what} on one line`);
  return secret;
}
