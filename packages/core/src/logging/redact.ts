/**
 * Scrubs secrets from anything about to be logged: values under sensitive keys, credentials in URLs
 * and connection strings, and `key=value` secrets inside free text. Pure, so it is tested on its own.
 */

export const REDACTED = '[REDACTED]';

const SENSITIVE_KEY =
  /pass(word|wd|phrase)?|secret|token|credential|api[-_]?key|private[-_]?key|authori[sz]ation|connection[-_]?string|session[-_]?key|cookie|signature/i;

// scheme://user:password@host -> scheme://user:[REDACTED]@host
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):([^\s@/]+)@/gi;
// password=..., secret: "...", X-Amz-Signature=..., aws_secret_access_key = ...
const INLINE_SECRET =
  /\b((?:[\w.-]*?)(?:pass(?:word|wd)?|secret(?:[-_]?access)?(?:[-_]?key)?|token|api[-_]?key|signature|credential)s?)(["']?\s*[:=]\s*["']?)([^\s"',;&]+)/gi;

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

export function redactText(text: string): string {
  return text.replace(URL_CREDENTIALS, `$1:${REDACTED}@`).replace(INLINE_SECRET, `$1$2${REDACTED}`);
}

const MAX_DEPTH = 8;

/** A redacted copy of `value`; the input is never modified. Errors become plain objects. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[…]';
  if (value instanceof Error) return redactError(value, depth);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Date || Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = isSensitiveKey(key) && item !== undefined && item !== null && item !== '' ? REDACTED : redact(item, depth + 1);
  }
  return copy;
}

function redactError(error: Error, depth: number): Record<string, unknown> {
  const plain: Record<string, unknown> = { type: error.name, message: redactText(error.message) };
  for (const [key, item] of Object.entries(error)) {
    if (key === '$response') continue; // raw HTTP responses from the AWS SDK: large, may echo headers
    plain[key] = isSensitiveKey(key) ? REDACTED : redact(item, depth + 1);
  }
  if (error.stack) plain['stack'] = redactText(error.stack);
  if (error.cause !== undefined) plain['cause'] = redact(error.cause, depth + 1);
  return plain;
}
