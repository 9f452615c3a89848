/**
 * Structured JSON logs (pino) with secrets kept out: known secret fields are redacted by path,
 * and anything that looks like a Slack token or AWS secret is masked wherever it appears in a string.
 * What people wrote and what the agent answered stays out too, at every level: content fields are
 * logged as their size, unless LOG_CONTENT asks for the content itself (for debugging, knowingly).
 */
import pino from 'pino';
import type { Logger } from './core/logger.ts';

const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/\bxox[abposr]-[0-9A-Za-z-]{6,}/g, '[redacted]'], // Slack bot/user/app-config tokens
  [/\bxapp-[0-9A-Za-z-]{6,}/g, '[redacted]'], // Slack app-level tokens
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, '[redacted]'], // AWS access key ids
  [
    /(aws_secret_access_key|secretAccessKey|x-amz-security-token|signingSecret|signing_secret)(["'\s:=]+)[^\s"',}]+/gi,
    '$1$2[redacted]',
  ],
  [/(Credential=)[^,\s]+/g, '$1[redacted]'], // SigV4 Authorization headers
];

export function redactSecrets(s: string): string {
  let out = s;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Fields that carry what a person wrote or the agent produced. */
const CONTENT_FIELDS = new Set([
  'text',
  'prompt',
  'answer',
  'undelivered',
  'body',
  'blocks',
  'markdown',
  'summary',
]);

/** A log string without its payload: everything from the first JSON-looking part on becomes its size. */
export function withoutContent(message: string): string {
  const at = message.search(/[[{]/);
  if (at < 0) return message;
  return `${message.slice(0, at)}[${message.length - at} chars omitted; LOG_CONTENT=true logs them]`;
}

function omitted(value: unknown): string {
  const size = typeof value === 'string' ? value.length : (JSON.stringify(value) ?? '').length;
  return `[${size} chars omitted]`;
}

function scrub(value: unknown, content: boolean, depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return {
      type: value.name,
      message: redactSecrets(value.message),
      code: (value as { code?: unknown }).code,
    };
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, content, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = !content && CONTENT_FIELDS.has(k) && v != null ? omitted(v) : scrub(v, content, depth + 1);
  return out;
}

export function createLogger(
  level: string,
  destination?: pino.DestinationStream,
  options: { content?: boolean } = {},
): Logger {
  const content = options.content ?? false;
  return pino(
    {
      level,
      base: { service: 'agentcore-slack-bot' },
      redact: {
        paths: [
          'token',
          '*.token',
          'botToken',
          '*.botToken',
          'appToken',
          '*.appToken',
          'signingSecret',
          '*.signingSecret',
          'headers.authorization',
          '*.headers.authorization',
          'headers["x-slack-signature"]',
          'credentials',
          '*.credentials',
        ],
        censor: '[redacted]',
      },
      formatters: {
        log: (obj) => scrub(obj, content) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? redactSecrets(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    destination,
  ) as unknown as Logger;
}
