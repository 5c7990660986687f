/** The thread that matches large inputs for regex.ts; compiled patterns are kept between jobs. */
import { GoRegExp, type MatchJob } from './regex.js';
import { serveJobs } from './worker-pool.js';

const MAX_CACHED = 256;
const compiled = new Map<string, GoRegExp>();

function regex(source: string): GoRegExp {
  let found = compiled.get(source);
  if (found === undefined) {
    if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value!);
    found = new GoRegExp(source);
    compiled.set(source, found);
  }
  return found;
}

serveJobs(({ sources, input }: MatchJob) => sources.map((source) => regex(source).test(input)));
