/** Reading another service over HTTP: its base URL from a flag, and its answer bounded in size. */

/** A base URL from a flag, checked: http(s), ending in `/` so that relative paths go under it. */
export function baseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`not a URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`not an http(s) URL: ${text}`);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** A body read whole as UTF-8; past `maxBytes` reading stops (the stream is destroyed) and it throws, naming `what`. */
export async function readBounded(body: AsyncIterable<Buffer>, maxBytes: number, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) throw new Error(`${what} larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
