/**
 * The C library through koffi, an FFI whose npm packages carry prebuilt binaries (no compiler, no Node
 * headers at install). Loaded on first use, so only an enabled collector that needs a syscall pays for
 * it, and a platform without a koffi build fails that collector alone.
 */
import { constants } from 'node:os';

/** What a libc call returned, and errno right after it. */
export interface CallResult {
  result: number;
  errno: number;
}

export type LibcFunction = (...args: unknown[]) => CallResult;

interface Libc {
  func(prototype: string): LibcFunction;
}

let loading: Promise<Libc> | undefined;

async function loadLibc(): Promise<Libc> {
  try {
    const koffi = (await import('koffi')).default;
    // dlopen(NULL): the symbols Node itself links against, whichever libc (glibc, musl) that is.
    const lib = koffi.load(null);
    return {
      func(prototype) {
        const call = lib.func(prototype);
        return (...args) => {
          const result = call(...args) as number;
          return { result, errno: koffi.errno() };
        };
      },
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot load the koffi FFI on ${process.platform}/${process.arch} (Node ${process.versions.node}): ${reason}`, { cause: error });
  }
}

/** A libc function by its C prototype (koffi syntax); rejects, with the reason, where koffi cannot load. */
export async function libcFunction(prototype: string): Promise<LibcFunction> {
  loading ??= loadLibc();
  return (await loading).func(prototype);
}

/** An Error for a failed call, with errno's name as `code` (`EPERM`, …), as Node's own fs errors. */
export function callError(what: string, errno: number): NodeJS.ErrnoException {
  const code = Object.entries(constants.errno).find(([, number]) => number === errno)?.[0] ?? `errno ${errno}`;
  return Object.assign(new Error(`${what}: ${code}`), { code, errno });
}
