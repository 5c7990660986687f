/**
 * Modules as a worker thread can receive them: postMessage's structured clone keeps only plain
 * data, so each compiled regex travels as its source (under a key no config has) and is compiled
 * again on the other side.
 */
import { compileRegex, GoRegExp } from '../../common/regex.js';
import type { Module } from '../module.js';

const REGEX_KEY = '$regex';

export type TransferableModules = ReadonlyMap<string, unknown>;

function encode(value: unknown): unknown {
  if (value instanceof GoRegExp) return { [REGEX_KEY]: value.source };
  if (Array.isArray(value)) return value.map(encode);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, encode(inner)]));
  }
  return value;
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const source = record[REGEX_KEY];
    if (typeof source === 'string') return compileRegex(source);
    return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, decode(inner)]));
  }
  return value;
}

export function encodeModules(modules: ReadonlyMap<string, Module>): TransferableModules {
  return new Map([...modules].map(([name, module]) => [name, encode(module)]));
}

export function decodeModules(modules: TransferableModules): ReadonlyMap<string, Module> {
  return new Map([...modules].map(([name, module]) => [name, decode(module) as Module]));
}
