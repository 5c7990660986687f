import assert from 'node:assert/strict';
import { test } from 'node:test';
import {  booleanFlag,
  commonFlags,
  durationFlag,
  FlagError,
  helpText,
  integerFlag,
  parseFlags,
  regexpFlag,
  repeatableStringFlag,
} from '../../common/flags.js';
import { compileRegex } from '../../common/regex.js';

const specs = {
  ...commonFlags(':9100'),
  'web.max-requests': integerFlag('Maximum number of parallel scrape requests.', 40, { min: 0, max: 1000 }),
  'web.disable-exporter-metrics': booleanFlag('Exclude metrics about the exporter itself.'),
  'collector.cpu': booleanFlag('Enable the cpu collector.', true),
  'collector.filesystem.mount-points-exclude': regexpFlag('Mount points to exclude.', compileRegex('^/(dev|proc)($|/)')),
  'collector.filesystem.mount-timeout': durationFlag('How long to wait for a mount to respond.', 5),
  'collector.textfile.file': repeatableStringFlag('A file.'),
};

function run(argv: string[]) {
  const parsed = parseFlags(specs, argv);
  assert.equal(parsed.action, 'run');
  return parsed.action === 'run' ? parsed.values : assert.fail();
}

test('defaults when no flag is given', () => {
  const values = run([]);
  assert.equal(values['web.listen-address'], ':9100');
  assert.equal(values['web.config.file'], undefined);
  assert.equal(values['log.level'], 'info');
  assert.equal(values['log.format'], 'logfmt');
  assert.equal(values['web.max-requests'], 40);
  assert.equal(values['web.disable-exporter-metrics'], false);
  assert.equal(values['collector.cpu'], true);
  assert.equal(values['collector.filesystem.mount-timeout'], 5);
  assert.deepEqual(values['collector.textfile.file'], []);
});

test('--name=value, --name value, --flag, --no-flag, repeated flags', () => {
  const values = run([
    '--web.listen-address=127.0.0.1:0',
    '--log.level', 'debug',
    '--web.disable-exporter-metrics',
    '--no-collector.cpu',
    '--web.max-requests=0',
    '--collector.filesystem.mount-points-exclude=^/data$',
    '--collector.filesystem.mount-timeout=1m30s',
    '--collector.textfile.file=a', '--collector.textfile.file', 'b',
  ]);
  assert.equal(values['web.listen-address'], '127.0.0.1:0');
  assert.equal(values['log.level'], 'debug');
  assert.equal(values['web.disable-exporter-metrics'], true);
  assert.equal(values['collector.cpu'], false);
  assert.equal(values['web.max-requests'], 0);
  assert.equal(values['collector.filesystem.mount-points-exclude']?.test('/data'), true);
  assert.equal(values['collector.filesystem.mount-points-exclude']?.test('/dev'), false);
  assert.equal(values['collector.filesystem.mount-timeout'], 90);
  assert.deepEqual(values['collector.textfile.file'], ['a', 'b']);
  assert.equal(run(['--collector.cpu=false'])['collector.cpu'], false);
});

test('errors name the flag in kingpin words', () => {
  const cases: Array<[string[], string]> = [
    [['--foo'], "unknown long flag '--foo'"],
    [['--no-web.listen-address'], "unknown long flag '--no-web.listen-address'"],
    [['-x'], "unknown short flag '-x'"],
    [['stray'], 'unexpected stray'],
    [['--web.listen-address'], "expected argument for flag '--web.listen-address'"],
    [['--web.max-requests=x'], 'invalid value "x" for flag --web.max-requests: expected an integer'],
    [['--web.max-requests=-1'], 'invalid value "-1" for flag --web.max-requests: must be at least 0'],
    [['--web.max-requests=1001'], 'invalid value "1001" for flag --web.max-requests: must be at most 1000'],
    [['--log.level=trace'], 'invalid value "trace" for flag --log.level: expected one of debug, info, warn, error'],
    [['--collector.cpu=yes'], 'invalid value "yes" for flag --collector.cpu: expected true or false'],
    [['--collector.filesystem.mount-timeout=5'], 'invalid value "5" for flag --collector.filesystem.mount-timeout: not a valid duration string (e.g. 5s, 1m30s, 250ms)'],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parseFlags(specs, argv), (error: unknown) => error instanceof FlagError && error.message === message, argv.join(' '));
  }
  assert.throws(() => parseFlags(specs, ['--collector.filesystem.mount-points-exclude=(']), /^FlagError: invalid value "\(" for flag --collector.filesystem.mount-points-exclude: /);
});

test('--help and --version win over other flags', () => {
  assert.deepEqual(parseFlags(specs, ['--web.max-requests=3', '--help']), { action: 'help' });
  assert.deepEqual(parseFlags(specs, ['-h']), { action: 'help' });
  assert.deepEqual(parseFlags(specs, ['--version']), { action: 'version' });
});

test('help lists every flag with its default', () => {
  const help = helpText({ name: 'prog', description: 'Does things.', version: '1.0.0' }, specs);
  assert.match(help, /^usage: prog \[<flags>\]\n\nDoes things\.\n/);
  for (const name of Object.keys(specs)) assert.ok(help.includes(`--${name}`) || help.includes(`--[no-]${name}`), name);
  assert.ok(help.includes('  --web.listen-address=<addr>\n      Address on which to expose metrics and web interface. (default: ":9100")\n'));
  assert.ok(help.includes('  --[no-]collector.cpu\n      Enable the cpu collector. (default: enabled)\n'));
  assert.ok(help.includes('  --web.max-requests=<int>\n      Maximum number of parallel scrape requests. (default: 40)\n'));
  assert.ok(help.includes('(default: 5s)'));
  assert.ok(help.includes('(default: "^/(dev|proc)($|/)")'));
});
