// A node --test reporter: one JSON line per failed test (file, name, first lines of the error), so that
// scripts/test.mjs can run the failed files again and repeat the failures at the end of a long run
// (where a CI log is cut, the failures are what must show).
import { relative } from 'node:path';

export default async function* failures(source) {
  for await (const event of source) {
    if (event.type !== 'test:fail') continue;
    const { name, file, details } = event.data;
    if (details.error?.failureType === 'subtestsFailed') continue;
    const error = details.error?.cause ?? details.error;
    const message = String(error?.message ?? error).split('\n').slice(0, 8).join('\n');
    yield `${JSON.stringify({ file: file === undefined ? undefined : relative(process.cwd(), file), name, message })}\n`;
  }
}
