// Which tier each test file belongs to, by path (globs against the path from the project root).
// unit: everything not listed below. It starts no program but Node itself, needs no root and no
// Debian package, and runs in under a minute; local servers on 127.0.0.1 are fine.
import picomatch from 'picomatch';

/** The shipped Prometheus / Alertmanager / Grafana / compose stack, run for real. */
const E2E = ['test/ops/**'];

/**
 * Tests that start real external programs, or need root, network namespaces or Chromium; and the
 * slow ones that run our own CLIs as separate processes or soak for thousands of checks.
 */
const INTEGRATION = [
  // node_exporter, blackbox_exporter, prometheus or promtool side by side with ours
  'test/exporter/cli.test.ts',
  'test/exporter/compat.test.ts',
  'test/exporter/prometheus.test.ts',
  'test/exporter/dashboard-1860.test.ts',
  'test/exporter/fallback-prometheus.test.ts',
  'test/exporter/golden.test.ts',
  'test/exporter/**/*compat*.test.ts',
  'test/prober/cli.test.ts',
  'test/prober/**/*compat*.test.ts',
  // a real Alertmanager (and Prometheus) around the notifier and the maintenance CLI
  'test/notifier/{alertmanager,integration}.test.ts',
  'test/maintenance/maintenance.test.ts',
  'test/prober/**/{dns,grpc,icmp,tcp}.test.ts',
  // certificates made with the openssl command line at test time
  'test/common/web-config.test.ts',
  'test/prober/**/{http,probe,tls}.test.ts',
  // python3 (a port that never accepts), ping, a network namespace of its own (unshare, mapped to root)
  'test/prober/**/hostile-{http,protocols}.test.ts',
  // headless Chromium
  'test/prober/**/status-page.test.ts',
  // platypus-prober or platypus-exporter as a process of its own (reload by SIGHUP, the concurrency bound,
  // the scheduler CLI, hostile requests and files, restarts, a memory cgroup)
  'test/prober/{concurrency,reload,fuzz-probe,hostile-probe,query-response-flood}.test.ts',
  'test/prober/scheduler/{cli,file-sd-fifo,public-status-page,shard-cli,state-file}.test.ts',
  'test/exporter/textfile-memory.test.ts',
  // a private dbus-daemon with a stand-in for systemd on it
  'test/exporter/collectors/systemd.test.ts',
  // memory and open files over thousands of checks
  'test/prober/**/soak.test.ts',
];

export const TIERS = ['unit', 'integration', 'e2e'];

/**
 * Tests whose point is a time bound (a probe ends by its deadline + 100 ms, the event loop never
 * stalls): they run after the others, one file at a time, so that another test file's load on the
 * same cores is not what they measure.
 */
const ALONE = [
  'test/prober/hostile-suite.test.ts',
  'test/prober/hostile-http.test.ts',
  'test/prober/query-response-flood.test.ts',
  'test/exporter/textfile-memory.test.ts',
];

export const runsAlone = picomatch(ALONE);

const isE2e = picomatch(E2E);
const isIntegration = picomatch(INTEGRATION);

/** @param {string} file path from the project root, with forward slashes */
export function tierOf(file) {
  if (isE2e(file)) return 'e2e';
  if (isIntegration(file)) return 'integration';
  return 'unit';
}
