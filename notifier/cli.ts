#!/usr/bin/env node
/** `platypus-notifier`: an Alertmanager webhook receiver that sends each notification with its graph to Slack and email. */
import { accessSync, constants } from 'node:fs';
import {
  booleanFlag,
  commonFlags,
  durationFlag,
  integerFlag,
  optionalStringFlag,
  repeatableStringFlag,
  runCli,
  stringFlag,
  type FlagSpec,
  type FlagValues,
} from '../common/flags.js';
import { createLogger } from '../common/logging.js';
import { closeOnSignals, listen } from '../common/server.js';
import { VERSION } from '../common/version.js';
import { loadWebConfig } from '../common/web-config.js';
import { buildNotifierApp } from './app.js';
import { warmUp } from './graph.js';
import { EmailSender } from './email.js';
import { NotifierMetrics } from './metrics.js';
import { Notifier } from './notify.js';
import { PrometheusClient } from './prometheus.js';
import { SilencesClient } from '../maintenance/silences.js';
import { readSecretFile } from './secrets.js';
import { SlackSender } from './slack.js';

const flags = {
  ...commonFlags(':9097'),
  'web.max-request-bytes': integerFlag('Largest webhook body accepted; larger ones get 413.', 1024 * 1024, { min: 1024, max: 64 * 1024 * 1024 }),
  'web.max-requests': integerFlag('Notifications handled at once; beyond it 503 and Alertmanager retries.', 8, { min: 1 }),
  'prometheus.url': stringFlag('Prometheus (or a store with its query API) to draw the graphs from.', 'http://localhost:9090', '<url>'),
  'prometheus.username': optionalStringFlag('Basic-auth user for Prometheus.', '<user>'),
  'prometheus.password-file': optionalStringFlag('File holding the basic-auth password for Prometheus.', '<path>'),
  'graph.timeout': durationFlag('Budget for the graph (queries and drawing); past it the message goes without the graph, saying why.', 5),
  'graph.range': durationFlag('How far back panel and host graphs look.', 3600),
  'graph.max-alerts': integerFlag('Alerts drawn in one graph; the others are listed only.', 4, { min: 1, max: 20 }),
  'graph.font-file': repeatableStringFlag("Font file for the graph's text (repeatable; default: the system's fonts).", '<path>'),
  'slack.token-file': optionalStringFlag('File holding the Slack bot token (xoxb-…); Slack is off without it.', '<path>'),
  'slack.channel': optionalStringFlag('Slack channel to post to (name or ID).', '<channel>'),
  'slack.api-url': stringFlag("Slack Web API base URL (a proxy, GovSlack, or a local fake in tests).", 'https://slack.com/api/', '<url>'),
  'smtp.smarthost': optionalStringFlag('SMTP server host:port (465: TLS; others: STARTTLS); email is off without it.', '<host:port>'),
  'smtp.from': optionalStringFlag('Sender address, e.g. "Platypus <platypus@example.com>".', '<address>'),
  'smtp.to': repeatableStringFlag('Recipient address (repeatable).', '<address>'),
  'smtp.username': optionalStringFlag('SMTP login name; no login without it.', '<user>'),
  'smtp.password-file': optionalStringFlag('File holding the SMTP password.', '<path>'),
  'smtp.require-tls': booleanFlag('Refuse to send unless STARTTLS succeeds (--no-smtp.require-tls for a local relay).', true),
  'alertmanager.url': repeatableStringFlag('Alertmanager to ask for silences, so messages say when a maintenance window ended (repeatable: the first that answers; none: no such lines).', '<url>'),
  'alertmanager.timeout': durationFlag('Bound of that question; past it the message goes without those lines.', 2),
  'reminder.forget-after': durationFlag("How long a group's last message is remembered, so a repeat says what changed (keep above the longest repeat_interval).", 25 * 3600),
  'send.timeout': durationFlag("Bound of the delivery to each of Slack and email (with graph.timeout, keep below Alertmanager's group_interval).", 8),
} satisfies Record<string, FlagSpec<unknown>>;

type Values = FlagValues<typeof flags>;

function slackSender(values: Values): SlackSender | undefined {
  const tokenFile = values['slack.token-file'];
  const channel = values['slack.channel'];
  if (tokenFile === undefined && channel === undefined) return undefined;
  if (tokenFile === undefined || channel === undefined) throw new Error('Slack needs both --slack.token-file and --slack.channel');
  const apiUrl = new URL(values['slack.api-url']);
  if (apiUrl.protocol !== 'https:' && apiUrl.protocol !== 'http:') throw new Error('--slack.api-url must be an http(s) URL');
  return new SlackSender({
    token: readSecretFile(tokenFile, 'Slack token'),
    channel,
    apiUrl: apiUrl.href,
    timeoutMs: values['send.timeout'] * 1000,
  });
}

function emailSender(values: Values): EmailSender | undefined {
  const smarthost = values['smtp.smarthost'];
  if (smarthost === undefined) return undefined;
  const from = values['smtp.from'];
  if (from === undefined || values['smtp.to'].length === 0) throw new Error('email needs --smtp.from and at least one --smtp.to');
  const passwordFile = values['smtp.password-file'];
  const username = values['smtp.username'];
  if (passwordFile !== undefined && username === undefined) throw new Error('--smtp.password-file needs --smtp.username');
  return new EmailSender({
    smarthost,
    from,
    to: values['smtp.to'],
    ...(username === undefined ? {} : { username }),
    ...(passwordFile === undefined ? {} : { password: readSecretFile(passwordFile, 'SMTP password') }),
    requireTLS: values['smtp.require-tls'],
    timeoutMs: values['send.timeout'] * 1000,
  });
}

function prometheusClient(values: Values): PrometheusClient {
  const username = values['prometheus.username'];
  const passwordFile = values['prometheus.password-file'];
  if ((username === undefined) !== (passwordFile === undefined)) throw new Error('Prometheus basic auth needs both --prometheus.username and --prometheus.password-file');
  const auth = username === undefined || passwordFile === undefined ? undefined : { username, password: readSecretFile(passwordFile, 'Prometheus password') };
  try {
    return new PrometheusClient(values['prometheus.url'], auth);
  } catch (error) {
    throw new Error(`invalid --prometheus.url: ${(error as Error).message}`, { cause: error });
  }
}

function alertmanagers(values: Values): SilencesClient[] {
  const timeoutMs = values['alertmanager.timeout'] * 1000;
  return values['alertmanager.url'].map((url) => {
    try {
      return new SilencesClient(url, { timeoutMs });
    } catch (error) {
      throw new Error(`invalid --alertmanager.url: ${(error as Error).message}`, { cause: error });
    }
  });
}

async function main(values: Values): Promise<void> {
  const logger = createLogger({ level: values['log.level'], format: values['log.format'] });
  const slack = slackSender(values);
  const email = emailSender(values);
  if (slack === undefined && email === undefined) throw new Error('nothing to send to: give --slack.token-file and --slack.channel, or --smtp.smarthost, --smtp.from and --smtp.to');
  const webConfigPath = values['web.config.file'];
  const webConfig = webConfigPath === undefined ? undefined : loadWebConfig(webConfigPath);
  const prometheus = prometheusClient(values);
  const fontFiles = values['graph.font-file'];
  for (const file of fontFiles) accessSync(file, constants.R_OK);
  const metrics = new NotifierMetrics();
  const graphTimeoutMs = values['graph.timeout'] * 1000;
  const sendTimeoutMs = values['send.timeout'] * 1000;
  const notifier = new Notifier({
    graph: {
      prometheus,
      rangeSeconds: values['graph.range'],
      maxAlertsCharted: values['graph.max-alerts'],
      timeoutMs: graphTimeoutMs,
      fontFiles,
      metrics,
    },
    ...(slack === undefined ? {} : { slack }),
    ...(email === undefined ? {} : { email }),
    sendTimeoutMs,
    metrics,
    logger,
    forgetAfterMs: values['reminder.forget-after'] * 1000,
    alertmanagers: alertmanagers(values),
    silencesTimeoutMs: values['alertmanager.timeout'] * 1000,
  });
  logger.info({ version: VERSION, slack: slack !== undefined, email: email !== undefined, prometheus: values['prometheus.url'] }, 'Starting platypus-notifier');
  const app = buildNotifierApp({
    notifier,
    metrics,
    logger,
    webConfig,
    maxBodyBytes: values['web.max-request-bytes'],
    maxRequests: values['web.max-requests'],
    requestTimeoutMs: graphTimeoutMs + sendTimeoutMs + 5_000,
  });
  app.addHook('onClose', async () => email?.close());
  await listen(app, values['web.listen-address']);
  closeOnSignals(app);
  warmUp({ fontFiles }).catch((error: Error) => logger.warn({ err: error.message }, 'Could not draw the warm-up graph'));
}

await runCli(
  { name: 'platypus-notifier', description: 'Receives Alertmanager webhooks and sends each notification with its graph to Slack and email.', version: VERSION },
  flags,
  process.argv.slice(2),
  main,
);
