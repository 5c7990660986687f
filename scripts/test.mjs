#!/usr/bin/env node
// The test runner behind `npm test` and `npm run test:*`.
//
//   node scripts/test.mjs                   everything: installs the Debian programs the tests need (as
//                                           root), lints, type-checks, runs every test/**/*.test.ts, then
//                                           the unit tier again on Node 24
//   node scripts/test.mjs SUBSTR…           installs, type-checks, runs the test files whose path
//                                           contains one of the substrings
//   node scripts/test.mjs --tier=unit       one tier (scripts/test-tiers.mjs); the unit tier installs
//                                           nothing and needs no root
//   node scripts/test.mjs --tier=unit --node=24   that tier on a Node 24 build fetched from the npm
//                                           registry into .cache/node24 when missing
//   node scripts/test.mjs --list …          prints the test files the other arguments select, with their tier
//
// A file with a failed test runs once more, alone; the failures (and the flaky tests that passed the
// second time) are repeated at the end of the output. Node 20 has no glob for --test, so the file
// list is built here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runsAlone, TIERS, tierOf } from './test-tiers.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const NODE_FOR_UNIT_TIER = '24';
const failuresDir = mkdtempSync(join(tmpdir(), 'platypus-test-failures-'));
let runs = 0;
/** Failed tests ({ file, name, message }) that decided the run, and those that passed when run again. */
const failures = [];
const flaky = [];

const { values: options, positionals: filters } = parseArgs({
  allowPositionals: true,
  options: { tier: { type: 'string' }, node: { type: 'string' }, list: { type: 'boolean' } },
});
if (options.tier !== undefined && !TIERS.includes(options.tier)) {
  fail(`--tier must be one of ${TIERS.join(', ')}, not ${options.tier}`);
}
if (options.node !== undefined && !/^\d+$/.test(options.node)) fail(`--node takes a major version, not ${options.node}`);
if (options.node !== undefined && options.tier === undefined) fail('--node goes with --tier');

function fail(message) {
  console.error(message);
  process.exit(2);
}

/** Runs a command in the project root; returns whether it succeeded. */
function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) console.error(`${command}: ${result.error.message}`);
  return result.status === 0;
}

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : findTests(path);
    return entry.name.endsWith('.test.ts') ? [relative(root, path).split(sep).join('/')] : [];
  });
}

function selectTests(tier) {
  const files = findTests(join(root, 'test'))
    .filter((file) => tier === undefined || tierOf(file) === tier)
    .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
    .sort();
  // node --test with no files would pass having run nothing.
  if (files.length === 0) fail(`no test files match ${[tier && `tier ${tier}`, ...filters].filter(Boolean).join(', ') || 'test/**/*.test.ts'}`);
  return files;
}

/** Runs node --test on the files; returns whether they passed and the failures its reporter wrote. */
function nodeTest(node, concurrency, files) {
  if (files.length === 0) return { passed: true, failures: [] };
  const report = join(failuresDir, `${++runs}.jsonl`);
  const passed = run(node, [
    '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=300000',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts/failures-reporter.mjs')}`, `--test-reporter-destination=${report}`,
    ...files,
  ]);
  const failures = existsSync(report) ? readFileSync(report, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [];
  return { passed, failures };
}

/**
 * Runs the files on that Node binary (undefined: it could not be installed), two at a time, then
 * those that run alone one at a time. Files with a failed test run once more, alone: a test that
 * passes then is reported as flaky (a time bound missed on a busy machine), not as a failure.
 * Returns whether every file passed in one of its runs.
 */
function runTests(node, files) {
  if (node === undefined) return false;
  const first = [nodeTest(node, 2, files.filter((file) => !runsAlone(file))), nodeTest(node, 1, files.filter(runsAlone))];
  if (first.every((result) => result.passed)) return true;
  const failed = first.flatMap((result) => result.failures);
  const failedFiles = [...new Set(failed.map((failure) => failure.file))];
  // A run that failed without naming a test file (a crash of the runner itself) is not retried.
  if (first.some((result) => !result.passed && result.failures.length === 0) || failedFiles.includes(undefined)) {
    failures.push(...failed);
    return false;
  }
  console.error(`\nRunning again, one at a time, the files that had a failed test: ${failedFiles.join(', ')}`);
  const again = nodeTest(node, 1, failedFiles);
  failures.push(...again.failures);
  const stillFailing = new Set(again.failures.map((failure) => failure.file));
  flaky.push(...failed.filter((failure) => !stillFailing.has(failure.file)));
  return again.passed;
}

/** A Node build of that major version from the npm registry, installed once under .cache/; undefined if that fails. */
function nodeBinary(major) {
  if (process.versions.node.split('.')[0] === major) return process.execPath;
  const prefix = join(root, '.cache', `node${major}`);
  const pkg = `node-${process.platform}-${process.arch}`;
  const binary = join(prefix, 'node_modules', pkg, 'bin', 'node');
  if (!existsSync(binary)) {
    console.error(`Installing Node ${major} (${pkg}) into ${relative(root, prefix)}`);
    const npm = process.env.npm_execpath;
    const installArgs = ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-fund', '--no-audit', '--ignore-scripts', `${pkg}@${major}`];
    const installed = npm ? run(process.execPath, [npm, ...installArgs]) : run('npm', installArgs);
    if (!installed || !existsSync(binary)) {
      console.error(`could not install ${pkg}@${major}`);
      return undefined;
    }
  }
  return binary;
}

const installDeps = () => run('bash', ['scripts/install-test-deps.sh']) || process.exit(1);
const lint = () => [
  run(process.execPath, [join(root, 'node_modules/eslint/bin/eslint.js'), '.']),
  run(process.execPath, [join(root, 'node_modules/knip/bin/knip.js')]),
].every(Boolean);
const typecheck = () => run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json']);

const failed = [];
if (options.list) {
  for (const file of selectTests(options.tier)) console.log(`${tierOf(file).padEnd(12)}${file}`);
} else if (options.tier !== undefined) {
  const files = selectTests(options.tier);
  if (options.tier !== 'unit') installDeps();
  const node = options.node === undefined ? process.execPath : nodeBinary(options.node);
  if (!runTests(node, files)) failed.push(`${options.tier} tests on Node ${options.node ?? process.versions.node}`);
} else {
  const files = selectTests(undefined);
  const everything = filters.length === 0;
  installDeps();
  // Lint and type errors fail the run, but the tests still run so that one run shows everything.
  if (everything && !lint()) failed.push('lint');
  if (!typecheck()) failed.push('type-check');
  if (!runTests(process.execPath, files)) failed.push(`tests on Node ${process.versions.node}`);
  if (everything && !runTests(nodeBinary(NODE_FOR_UNIT_TIER), selectTests('unit'))) {
    failed.push(`unit tests on Node ${NODE_FOR_UNIT_TIER}`);
  }
}
rmSync(failuresDir, { recursive: true, force: true });
const describe = (list) => list.map(({ file, name, message }) => `✖ ${file ?? '?'}: ${name}\n    ${message.replaceAll('\n', '\n    ')}\n`).join('');
if (flaky.length > 0) console.error(`\nFlaky: failed, then passed when run again alone:\n${describe(flaky)}`);
if (failures.length > 0) console.error(`\nFailed tests:\n${describe(failures)}`);
if (failed.length > 0) {
  console.error(`\nFailed: ${failed.join(', ')}`);
  process.exit(1);
}
