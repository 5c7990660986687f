/** Request-supplied text in log lines (targets, module names): bounded so one request cannot write a huge line, URL passwords hidden. */
const MAX_LOGGED_VALUE_CHARS = 256;

export function logValue(raw: string, max = MAX_LOGGED_VALUE_CHARS): string {
  const text = redactUserinfo(raw);
  return text.length <= max ? text : `${text.slice(0, max)}…(${text.length - max} more characters)`;
}

export const REDACTED = '<secret>';

const URL_USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*)@/i;

/** A URL's password (`proxy_url: http://user:pass@proxy`) as blackbox shows it: hidden, the user kept. */
export function redactUserinfo(text: string): string {
  return text.replace(URL_USERINFO, (whole, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon === -1 ? whole : `${scheme}${userinfo.slice(0, colon)}:${REDACTED}@`;
  });
}
