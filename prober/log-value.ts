/** Request-supplied text in log lines (targets, module names), bounded so one request cannot write a huge line. */
export const MAX_LOGGED_VALUE_CHARS = 256;

export function logValue(text: string, max = MAX_LOGGED_VALUE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(${text.length - max} more characters)`;
}
