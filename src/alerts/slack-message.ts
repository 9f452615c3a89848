/**
 * The parts of a Slack message an alert parser reads: who sent it and every piece of text it shows
 * (the top-level text, legacy attachments and Block Kit), with Slack's HTML-style escaping undone.
 */

export interface SlackMessageEvent {
  type?: string;
  subtype?: string;
  ts: string;
  thread_ts?: string;
  channel: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  username?: string;
  bot_profile?: { id?: string; app_id?: string; name?: string };
  text?: string;
  attachments?: Array<Record<string, unknown>>;
  blocks?: Array<Record<string, unknown>>;
}

export interface AlertMessage {
  /** The sender's display name (bot profile, or the username a webhook chose). */
  sender: string;
  /** The top-level text, unescaped. */
  text: string;
  attachments: Array<{
    title?: string;
    titleLink?: string;
    text?: string;
    fallback?: string;
    pretext?: string;
    fields: Array<{ title: string; value: string }>;
  }>;
  /** Every text of the message (text, attachments, blocks), one per line, unescaped. */
  all: string;
}

/** Slack escapes `&`, `<` and `>` in message text; a webhook's JSON arrives escaped. */
export function unescapeSlack(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? unescapeSlack(v) : undefined);

export function readMessage(e: SlackMessageEvent): AlertMessage {
  const attachments = (e.attachments ?? []).map((a) => ({
    title: str(a.title),
    titleLink: str(a.title_link),
    text: str(a.text),
    fallback: str(a.fallback),
    pretext: str(a.pretext),
    fields: Array.isArray(a.fields)
      ? (a.fields as Array<Record<string, unknown>>).map((f) => ({
          title: str(f.title) ?? '',
          value: str(f.value) ?? '',
        }))
      : [],
  }));
  const lines: string[] = [];
  if (e.text) lines.push(unescapeSlack(e.text));
  for (const [i, a] of attachments.entries()) {
    const before = lines.length;
    for (const part of [a.pretext, a.title, a.titleLink, a.text]) if (part) lines.push(part);
    for (const f of a.fields) lines.push(`${f.title}: ${f.value}`);
    // An attachment may carry Block Kit blocks (apps that want the coloured bar put everything there).
    collectBlockText(e.attachments?.[i]?.blocks, lines);
    // The plain-text fallback stands in only for an attachment that shows nothing else.
    if (lines.length === before && a.fallback) lines.push(a.fallback);
  }
  for (const b of e.blocks ?? []) collectBlockText(b, lines);
  return {
    sender: e.bot_profile?.name ?? e.username ?? '',
    text: e.text ? unescapeSlack(e.text) : '',
    attachments,
    all: lines.join('\n'),
  };
}

function collectBlockText(node: unknown, out: string[]): void {
  if (Array.isArray(node)) {
    for (const n of node) collectBlockText(n, out);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') {
    out.push(unescapeSlack(o.text));
    return;
  }
  if (o.type === 'text' && typeof o.text === 'string') out.push(unescapeSlack(o.text));
  if (o.type === 'link' && typeof o.url === 'string') out.push(unescapeSlack(o.url));
  for (const k of ['text', 'fields', 'elements', 'title']) if (k in o) collectBlockText(o[k], out);
}
