/** adjtimex(2) with `modes` 0: reads the kernel's clock discipline state, changes nothing, needs no privilege. */
import { endianness } from 'node:os';
import { callError, libcFunction } from './libc.js';

/** The fields node_exporter reads, as the kernel gives them (units depend on STA_NANO), and the call's clock state. */
export interface Timex {
  /** adjtimex's return value: TIME_OK … TIME_ERROR. */
  state: number;
  offset: number;
  freq: number;
  maxerror: number;
  esterror: number;
  status: number;
  constant: number;
  tick: number;
  ppsfreq: number;
  jitter: number;
  shift: number;
  stabil: number;
  jitcnt: number;
  calcnt: number;
  errcnt: number;
  stbcnt: number;
  tai: number;
}

/**
 * struct timex where `long` is 64 bits (glibc bits/timex.h, the kernel's uapi linux/timex.h): the same on
 * x86_64, aarch64 and the other LP64 Linux ABIs, for glibc and musl. 32-bit ABIs differ (4-byte longs, or
 * 64-bit time padding) and are refused rather than misread.
 */
export const TIMEX_SIZE = 208;
const LONGS = { offset: 8, freq: 16, maxerror: 24, esterror: 32, constant: 48, tick: 88, ppsfreq: 96, jitter: 104, stabil: 120, jitcnt: 128, calcnt: 136, errcnt: 144, stbcnt: 152 } as const;
const INTS = { status: 40, shift: 112, tai: 160 } as const;
const LP64_ARCHES = new Set(['x64', 'arm64', 'ppc64', 'riscv64', 'loong64', 's390x', 'mips64el']);

/** The fields of a struct timex buffer filled by the kernel. */
export function decodeTimex(buffer: Uint8Array, state: number, littleEndian = endianness() === 'LE'): Timex {
  if (buffer.byteLength < TIMEX_SIZE) throw new Error(`struct timex needs ${TIMEX_SIZE} bytes, got ${buffer.byteLength}`);
  const view = new DataView(buffer.buffer, buffer.byteOffset, TIMEX_SIZE);
  const longs = Object.fromEntries(Object.entries(LONGS).map(([field, at]) => [field, Number(view.getBigInt64(at, littleEndian))]));
  const ints = Object.fromEntries(Object.entries(INTS).map(([field, at]) => [field, view.getInt32(at, littleEndian)]));
  return { state, ...longs, ...ints } as Timex;
}

/** Calls adjtimex(2) read-only; rejects on a platform whose struct layout or FFI is not known, or with the errno. */
export async function readTimex(): Promise<Timex> {
  if (process.platform !== 'linux' || !LP64_ARCHES.has(process.arch)) {
    throw new Error(`struct timex layout is known for 64-bit Linux only, not ${process.platform}/${process.arch}`);
  }
  const adjtimex = await libcFunction('int adjtimex(_Inout_ void *buf)');
  const buffer = Buffer.alloc(TIMEX_SIZE);
  const { result, errno } = adjtimex(buffer);
  if (result === -1) throw callError('adjtimex', errno);
  return decodeTimex(buffer, result);
}
