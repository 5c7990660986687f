/** Sends a message through Slack's Web API and uploads the graph into its thread. */
import { WebClient } from '@slack/web-api';
import type { Png } from './chart-png.js';
import type { SlackMessage } from './slack-message.js';

export interface SlackOptions {
  token: string;
  channel: string;
  /** Slack's API base, e.g. https://slack.com/api/ (a local fake in tests, a proxy or Enterprise Grid). */
  apiUrl: string;
  /** Bound of each HTTP request. */
  timeoutMs: number;
}

export class SlackSender {
  private readonly client: WebClient;

  constructor(private readonly options: SlackOptions) {
    this.client = new WebClient(options.token, {
      slackApiUrl: options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`,
      timeout: options.timeoutMs,
      // Alertmanager retries a failed notification; retrying here too would outlast its deadline.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      // An upload URL handed back by the API may point elsewhere; method names never do.
      allowAbsoluteUrls: false,
    });
  }

  async send(message: SlackMessage, graph: Png | undefined): Promise<void> {
    const posted = await this.client.chat.postMessage({ channel: this.options.channel, text: message.text, attachments: message.attachments });
    if (graph === undefined) return;
    if (posted.channel === undefined || posted.ts === undefined) throw new Error('chat.postMessage answered without channel and ts');
    await this.client.files.uploadV2({
      channel_id: posted.channel,
      thread_ts: posted.ts,
      file: graph.data,
      filename: 'graph.png',
      title: 'Graph',
      alt_text: message.attachments[0]?.fallback ?? 'graph',
    });
  }
}
