/**
 * What may reach Slack as a control sequence. Slack turns `<!channel>`, `<!here>`, `<!everyone>`,
 * `<!subteam^…>` and `<@U…>` into notifications and `<url|text>` / `[text](url)` into links whose
 * target is hidden. Text from the agent or a tool (answers, tool inputs in status lines and task
 * titles, summaries, file names) must never do either.
 *
 * Default deny: `toSlack` is applied at the Slack boundary (the Slack writer, and the few direct
 * Bolt replies) to every string that leaves for Slack, and `neutralize` (the one escaping function)
 * rewrites every control sequence in it into plain, visible text. The bot's own mentions and dates
 * pass only when they were built here with `mention` / `slackDate` / `trusted`: those wrap the token
 * in a seal carrying a random per-process nonce that the agent cannot know, so it cannot forge one.
 * Forgetting to seal shows a mention as text; it can never turn agent text into a ping.
 */
import { randomBytes } from 'node:crypto';

const OPEN = '\uE000';
const CLOSE = '\uE001';
const NONCE = randomBytes(9).toString('base64url');
const SEALED = new RegExp(`${OPEN}${NONCE}([^${OPEN}${CLOSE}]*)${CLOSE}`, 'g');
/** A seal cut by clipping (or marker characters the agent wrote): dropped, nonce included. */
const STRAY = new RegExp(`${OPEN}[A-Za-z0-9_-]{0,${NONCE.length}}|${CLOSE}`, 'g');

/** Invisible joiner placed after `@` so `@here` is shown, never sent as a broadcast. */
const WJ = '\u2060';
/** Zero-width space: breaks `](` so no Markdown link can form, even across streamed chunks. */
const ZWSP = '\u200B';

/** The bot's own control token (mention, date, channel link), allowed through `toSlack`. */
export function trusted(token: string): string {
  return `${OPEN}${NONCE}${token}${CLOSE}`;
}

/** A user (U…/W…) or user group (S…) mention placed by the bot itself. */
export function mention(id: string): string {
  return trusted(id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`);
}

/** A channel link placed by the bot itself. */
export function channelLink(id: string): string {
  return trusted(`<#${id}>`);
}

/** A date Slack renders in the reader's time zone. */
export function slackDate(ms: number): string {
  return trusted(`<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${new Date(ms).toISOString()}>`);
}

/**
 * Every string bound for Slack: the bot's sealed tokens are unsealed, everything else is
 * neutralized. Idempotent on its own output.
 */
export function toSlack(s: string): string {
  let out = '';
  let last = 0;
  for (const m of s.matchAll(SEALED)) {
    out += neutralize(s.slice(last, m.index).replace(STRAY, '')) + m[1];
    last = m.index + m[0].length;
  }
  return out + neutralize(s.slice(last).replace(STRAY, ''));
}

/** Keys of Block Kit objects that are identifiers or URLs the bot chose, never displayed text. */
const STRUCTURAL = new Set(['type', 'action_id', 'block_id', 'value', 'url', 'style', 'image_url']);

/** `toSlack` over every displayed string of a Block Kit structure (blocks, elements, confirm dialogs). */
export function toSlackBlocks<T>(value: T): T {
  if (typeof value === 'string') return toSlack(value) as T;
  if (Array.isArray(value)) return value.map((v) => toSlackBlocks(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = STRUCTURAL.has(k) ? v : toSlackBlocks(v);
    return out as T;
  }
  return value;
}

const MENTION = /<([!@#])([^<>\s|]*)(?:\|([^<>]*))?>/g;
const LINK = /<([a-zA-Z][a-zA-Z0-9+.-]*:[^<>\s|]*)(?:\|([^<>]*))?>/g;
const MD_LINK = /!?\[([^\][\n]*)\]\(\s*<?([^()\s<>]+)>?(?:\s+"[^"\n]*")?\s*\)/g;
/** A `<` that could start a control sequence completed by a later chunk of a stream. */
const OPENER = /<(?=[!@#]|[a-zA-Z][a-zA-Z0-9+.-]*(?::|$)|$)/g;
const BROADCAST_WORD = /@(?=(?:here|channel|everyone)\b|[A-Za-z]*$)/gi;

/**
 * The one escaping function for text from the agent or a tool: mentions and broadcasts become
 * visible text (`@here`, `@alice`, `#general`), links show their real target (`text (https://…)`),
 * and any fragment that could complete into a control sequence in a later streamed chunk is broken.
 */
export function neutralize(s: string): string {
  return s
    .replace(MENTION, (_all, sigil: string, id: string, label?: string) => {
      if (sigil === '#') return `#${WJ}${clean(label) || id}`;
      if (sigil === '@') return `@${WJ}${clean(label)?.replace(/^@/, '') || id}`;
      // <!here>, <!channel>, <!everyone>, <!subteam^ID|@name>, <!date^…|fallback>, …
      const name = id.split('^')[0]!.toLowerCase();
      if (name === 'date') return clean(label) || 'a date';
      if (name === 'subteam')
        return `@${WJ}${clean(label)?.replace(/^@/, '') || id.split('^')[1] || 'group'}`;
      return `@${WJ}${clean(label)?.replace(/^@/, '') || name}`;
    })
    .replace(LINK, (_all, url: string, label?: string) => {
      const text = clean(label);
      return text && text !== url ? `${text} (${url})` : url;
    })
    .replace(MD_LINK, (_all, label: string, url: string) => {
      const text = label.trim();
      return text && text !== url ? `${text} (${url})` : url;
    })
    .replace(OPENER, '‹')
    .replace(/\]\(/g, `]${ZWSP}(`)
    .replace(/\]$/, `]${ZWSP}`)
    .replace(BROADCAST_WORD, `@${WJ}`);
}

function clean(label: string | undefined): string | undefined {
  const t = label?.trim();
  return t ? t.replace(/[<>]/g, '') : undefined;
}
