/** The kernel's page size from the auxiliary vector (AT_PAGESZ), which Node does not expose otherwise. */
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';

const AT_NULL = 0n;
const AT_PAGESZ = 6n;
/** Used where /proc/self/auxv is unreadable; the page size of x86-64 and most arm64 kernels. */
const FALLBACK_PAGE_SIZE = 4096;

/** `auxv` holds (type, value) pairs of native-endian 64-bit words, ending with AT_NULL. */
export function parseAuxvPageSize(auxv: Buffer, littleEndian = endianness() === 'LE'): number | undefined {
  for (let offset = 0; offset + 16 <= auxv.length; offset += 16) {
    const type = littleEndian ? auxv.readBigUInt64LE(offset) : auxv.readBigUInt64BE(offset);
    if (type === AT_NULL) return undefined;
    if (type === AT_PAGESZ) return Number(littleEndian ? auxv.readBigUInt64LE(offset + 8) : auxv.readBigUInt64BE(offset + 8));
  }
  return undefined;
}

/** The page size of the running process, as node_exporter's `os.Getpagesize()`. */
export function systemPageSize(): number {
  try {
    return parseAuxvPageSize(readFileSync('/proc/self/auxv')) ?? FALLBACK_PAGE_SIZE;
  } catch {
    return FALLBACK_PAGE_SIZE;
  }
}
