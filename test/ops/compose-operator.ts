// The operator's part of a compose-harness test: a checkout set up as docs/stack.md asks, and the
// outside world its services talk to.
import type { TestContext } from 'node:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort } from '../helpers/ports.js';
import { startSlackReceiver } from '../helpers/slack-receiver.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { createTestCA, tempDir as tlsTempDir } from '../helpers/tls.js';
import { waitFor } from '../helpers/wait.js';
import { ComposeStack, checkoutProject } from './compose-harness.js';
import { Panel, instantQuery, withoutNotifier } from './stack.js';

const SMTP_PASSWORD = 'correct horse battery staple';

/**
 * A checkout set up as docs/stack.md asks of the operator, and the outside world its services talk
 * to: panels a, b, c (web servers of the test) in the panel list, the local exporter in the host
 * list, the secrets (the webhook URLs as `echo` writes them, the password without a newline), a
 * Slack webhook, a dead man's switch, and smtp.example.com:587 with STARTTLS and that password.
 */
export async function operatorSetup(t: TestContext, composeFile: string) {
  const checkout = checkoutProject();
  const alertmanagerYml = parse(readFileSync(join(checkout, 'alertmanager/alertmanager.yml'), 'utf8')) as { global: { smtp_smarthost: string } };
  const [smtpHost, smtpPort] = alertmanagerYml.global.smtp_smarthost.split(':') as [string, string];
  const ca = createTestCA(tlsTempDir(t));
  const stack = ComposeStack.create(t, checkout, { composeFile, outsideNames: [smtpHost, 'panels.test'], trustedCA: ca.cert });

  const slack = await startSlackReceiver(t, stack.gateway);
  const deadMansSwitch = await startSlackReceiver(t, stack.gateway);
  const smtp = await startSmtpSink(t, {
    host: stack.gateway,
    port: Number(smtpPort),
    tls: ca.issue({ commonName: smtpHost, dnsNames: [smtpHost], notAfter: new Date(Date.now() + 30 * 86_400_000) }),
    password: SMTP_PASSWORD,
  });
  const panels = { a: new Panel(await freePort(stack.gateway), 0, stack.gateway), b: new Panel(await freePort(stack.gateway), 0, stack.gateway), c: new Panel(await freePort(stack.gateway), 0, stack.gateway) };
  for (const panel of Object.values(panels)) {
    await panel.start();
    t.after(() => panel.stop());
  }
  const urlOf = (panel: Panel): string => `http://panels.test:${panel.port}/`;

  writeFileSync(join(checkout, 'prometheus/targets/panels.json'),
    JSON.stringify(Object.entries(panels).map(([name, panel]) => ({ targets: [urlOf(panel)], labels: { panel: name } }))));
  writeFileSync(join(checkout, 'prometheus/targets/nodes.yml'), "- targets: ['host.docker.internal:9100']\n  labels: {panel: local}\n");
  writeFileSync(join(checkout, 'alertmanager/secrets/slack_webhook_url'), `${slack.url}\n`);
  writeFileSync(join(checkout, 'alertmanager/secrets/smtp_password'), SMTP_PASSWORD);
  writeFileSync(join(checkout, 'alertmanager/secrets/deadmansswitch_url'), `${deadMansSwitch.url}\n`);
  // These tests run the stack without the notifier service: its route deleted, as docs/stack.md
  // says for that case, so that Alertmanager's own receivers deliver.
  const alertmanagerFile = join(checkout, 'alertmanager/alertmanager.yml');
  writeFileSync(alertmanagerFile, stringify(withoutNotifier(parse(readFileSync(alertmanagerFile, 'utf8')) as Record<string, unknown>)));
  return { stack, slack, smtp, deadMansSwitch, panels, urlOf };
}

/** Waits for the Alertmanager pair to gossip. */
export async function pairFormed(stack: ComposeStack): Promise<void> {
  await waitFor('the Alertmanagers to see each other', async () => {
    const status = (await (await fetch(`http://${stack.address('alertmanager')}:9093/api/v2/status`)).json()) as { cluster: { peers: unknown[] } };
    return status.cluster.peers.length === 2;
  }, { timeoutMs: 30_000 });
}

/**
 * Starts every service of docker-compose.yml that can run here (all but Grafana) and waits until
 * Prometheus sees the three panels and the exporter up and the Alertmanager pair has formed;
 * returns Prometheus' URL.
 */
export async function startSingleBox(stack: ComposeStack): Promise<string> {
  for (const service of ['exporter', 'prober', 'alertmanager', 'alertmanager-2', 'prometheus']) stack.start(service);
  const prometheus = `http://${stack.address('prometheus')}:9090`;
  await waitFor('every panel and the exporter up in Prometheus', async () =>
    (await instantQuery(prometheus, 'probe_success{job="prober"} == 1')).length === 3
    && (await instantQuery(prometheus, 'up{job="node"} == 1')).length === 1, { timeoutMs: 90_000, intervalMs: 1_000 });
  await pairFormed(stack);
  return prometheus;
}
