/**
 * Run by hostile-probe.test.ts in its own process: with the boundary installed, a probe whose
 * timer callback throws fails as `internal` and the process goes on; then a throw outside any
 * probe ends it with code 1. Prints one JSON line per probe.
 */
import { withinProbeBoundary, guardProbeCrashes } from '../../prober/boundary.js';
import { silentLogger } from '../../common/logging.js';
import { ProbeError } from '../../prober/types.js';

guardProbeCrashes(silentLogger());
for (let i = 0; i < 2; i++) {
  const outcome = await withinProbeBoundary({ target: `t${i}`, module: 'm' }, () => {
    setTimeout(() => {
      throw new Error(`thrown in a callback ${i}`);
    }, 5);
    return new Promise<string>((resolve) => setTimeout(() => resolve('not failed'), 2_000));
  }).catch((error: unknown) => (error instanceof ProbeError ? `${error.reason}: ${error.message}` : `other: ${String(error)}`));
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}
setTimeout(() => {
  throw new Error('outside any probe');
}, 5);
setTimeout(() => process.stdout.write('"still running"\n'), 500);
