import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

/** A `chat.postMessage` call as the fake received it (nested fields decoded). */
export interface PostedMessage {
  channel: string;
  text?: string;
  thread_ts?: string;
  attachments: Array<{ color?: string; fallback?: string; title?: string; text?: string }>;
  /** The `ts` the fake answered with. */
  ts: string;
}

export interface UploadedFile {
  id: string;
  filename: string;
  bytes: Buffer;
  /** Set by `files.completeUploadExternal`. */
  channelId?: string;
  threadTs?: string;
  title?: string;
}

export interface SlackApiFake {
  /** Base URL for `slackApiUrl` (ends with `/api/`). */
  apiUrl: string;
  /** The only token accepted; others get `invalid_auth`. */
  token: string;
  messages: PostedMessage[];
  files: UploadedFile[];
  /** Every Web API method called, in order. */
  calls: string[];
}

const CHANNEL_ID = 'C0PLATYPUS';

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A local stand-in for Slack's Web API, as `@slack/web-api` uses it: `chat.postMessage` and the
 * three steps of `files.uploadV2` (`files.getUploadURLExternal`, the upload itself,
 * `files.completeUploadExternal`).
 */
export async function startSlackApiFake(t: TestContext, token = 'xoxb-test-token'): Promise<SlackApiFake> {
  const fake: SlackApiFake = { apiUrl: '', token, messages: [], files: [], calls: [] };
  let sequence = 0;
  let origin = '';

  const server: Server = createServer((request, response) => {
    const reply = (body: object) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    readBody(request)
      .then(async (body) => {
        const url = new URL(request.url ?? '/', origin);
        const upload = /^\/upload\/(F\w+)$/.exec(url.pathname);
        if (request.headers.authorization !== `Bearer ${token}`) return reply({ ok: false, error: 'invalid_auth' });
        if (upload !== null) {
          const file = fake.files.find((each) => each.id === upload[1]);
          const form = await new Response(body, { headers: { 'content-type': request.headers['content-type'] ?? '' } }).formData();
          const part = [...form.values()].find((value): value is File => typeof value !== 'string');
          if (file === undefined || part === undefined) return response.writeHead(400).end('no file');
          file.bytes = Buffer.from(await part.arrayBuffer());
          return response.writeHead(200, { 'content-type': 'text/plain' }).end('OK - uploaded');
        }
        const method = url.pathname.replace(/^\/api\//, '');
        fake.calls.push(method);
        const params = new URLSearchParams(body.toString('utf8'));
        const json = (name: string): unknown => JSON.parse(params.get(name) ?? 'null');
        switch (method) {
          case 'chat.postMessage': {
            const ts = `1700000000.${String(++sequence).padStart(6, '0')}`;
            fake.messages.push({
              channel: params.get('channel') ?? '',
              text: params.get('text') ?? undefined,
              thread_ts: params.get('thread_ts') ?? undefined,
              attachments: (json('attachments') as PostedMessage['attachments'] | null) ?? [],
              ts,
            });
            return reply({ ok: true, channel: CHANNEL_ID, ts });
          }
          case 'files.getUploadURLExternal': {
            const id = `F${String(++sequence).padStart(8, '0')}`;
            fake.files.push({ id, filename: params.get('filename') ?? '', bytes: Buffer.alloc(0) });
            return reply({ ok: true, upload_url: `${origin}/upload/${id}`, file_id: id });
          }
          case 'files.completeUploadExternal': {
            const listed = (json('files') as Array<{ id: string; title?: string }> | null) ?? [];
            for (const { id, title } of listed) {
              const file = fake.files.find((each) => each.id === id);
              if (file === undefined) return reply({ ok: false, error: 'file_not_found' });
              Object.assign(file, { channelId: params.get('channel_id') ?? undefined, threadTs: params.get('thread_ts') ?? undefined, title });
            }
            return reply({ ok: true, files: listed.map(({ id }) => ({ id })) });
          }
          default:
            return reply({ ok: false, error: 'unknown_method' });
        }
      })
      .catch((error: Error) => response.writeHead(500).end(error.message));
  });
  // Clients keep connections open longer than Node's 5 s default and would reuse closed ones.
  server.keepAliveTimeout = 10 * 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  fake.apiUrl = `${origin}/api/`;
  return fake;
}
