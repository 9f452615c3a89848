/**
 * Validates Block Kit payloads the way Slack rejects them: `invalid_blocks` for a malformed block or a
 * field over its limit, `msg_blocks_too_long` when the blocks together carry too much text.
 * Limits from @slack/types and Slack's docs; the cumulative cap is not documented, see cumulativeLimit.
 */

export type BlockError = { error: 'invalid_blocks' | 'msg_blocks_too_long'; detail: string };

const MAX_BLOCKS = 50;
const MARKDOWN_CUMULATIVE = 12_000;

/**
 * The most block text Slack takes in one message of `blocks` blocks. Not a plain sum cap: it shrinks
 * with each block. Measured (bolt-js#2509): 13,297 characters with markdown blocks only, 13,172 with
 * one divider added, i.e. 125 less per block; and a payload of ~11,341 characters was refused
 * (bolt-js#2867) without its block count being reported, so every message of three or more blocks
 * (the shape the bot sends) is held to under that as well: the strictest reading of both reports.
 */
export function cumulativeLimit(blocks: number): number {
  const shrinking = 13_297 - 125 * Math.max(0, blocks - 1);
  return blocks >= 3 ? Math.min(shrinking, 11_340) : shrinking;
}

type Json = Record<string, unknown>;

/** `view`: a Home tab or modal (up to 100 blocks; the message-only cumulative cap does not apply). */
export function validateBlocks(
  blocks: unknown,
  opts: { maxBlocks?: number; surface?: 'message' | 'view' } = {},
): BlockError | undefined {
  if (!Array.isArray(blocks)) return invalid('blocks must be an array');
  const maxBlocks = opts.maxBlocks ?? MAX_BLOCKS;
  if (blocks.length > maxBlocks)
    return invalid(`no more than ${maxBlocks} items allowed [json-pointer:/blocks]`);
  const ids = new Set<string>();
  let total = 0;
  let markdown = 0;
  for (const [i, raw] of blocks.entries()) {
    if (!isObj(raw)) return invalid(`block ${i} must be an object`);
    const b = raw as Json;
    if (typeof b.block_id === 'string') {
      if (b.block_id.length > 255 || ids.has(b.block_id))
        return invalid(`invalid block_id [json-pointer:/blocks/${i}]`);
      ids.add(b.block_id);
    }
    const r = checkBlock(b, i);
    if (typeof r === 'string') return invalid(r);
    total += r.text;
    markdown += r.markdown;
  }
  if (markdown > MARKDOWN_CUMULATIVE)
    return invalid(`markdown blocks exceed ${MARKDOWN_CUMULATIVE} characters in total`);
  if (opts.surface !== 'view' && total > cumulativeLimit(blocks.length))
    return {
      error: 'msg_blocks_too_long',
      detail: `${total} characters of block text in ${blocks.length} blocks`,
    };
  return undefined;
}

function checkBlock(b: Json, i: number): { text: number; markdown: number } | string {
  const at = `[json-pointer:/blocks/${i}]`;
  switch (b.type) {
    case 'section': {
      let n = 0;
      if (b.text !== undefined) {
        const t = textObject(b.text, 3000, true);
        if (typeof t === 'string') return `${t} ${at}/text`;
        n += t;
      }
      if (b.fields !== undefined) {
        if (!Array.isArray(b.fields) || b.fields.length > 10) return `fields: at most 10 ${at}`;
        for (const f of b.fields) {
          const t = textObject(f, 2000, true);
          if (typeof t === 'string') return `${t} ${at}/fields`;
          n += t;
        }
      }
      if (b.text === undefined && b.fields === undefined) return `section needs text or fields ${at}`;
      if (b.accessory !== undefined) {
        const e = checkElement(b.accessory);
        if (e) return `${e} ${at}/accessory`;
      }
      if (b.expand !== undefined && typeof b.expand !== 'boolean') return `expand must be a boolean ${at}`;
      return { text: n, markdown: 0 };
    }
    case 'markdown': {
      if (typeof b.text !== 'string' || b.text.length === 0) return `markdown block needs text ${at}`;
      if (b.text.length > MARKDOWN_CUMULATIVE)
        return `must be less than ${MARKDOWN_CUMULATIVE} characters ${at}/text`;
      return { text: b.text.length, markdown: b.text.length };
    }
    case 'context': {
      if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10) {
        return `context needs 1 to 10 elements ${at}`;
      }
      let n = 0;
      for (const el of b.elements) {
        if (isObj(el) && (el as Json).type === 'image') continue;
        const t = textObject(el, 3000, true);
        if (typeof t === 'string') return `${t} ${at}/elements`;
        n += t;
      }
      return { text: n, markdown: 0 };
    }
    case 'divider':
      return { text: 0, markdown: 0 };
    case 'header': {
      const t = textObject(b.text, 150, false);
      return typeof t === 'string' ? `${t} ${at}/text` : { text: t, markdown: 0 };
    }
    case 'actions': {
      if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 25) {
        return `actions needs 1 to 25 elements ${at}`;
      }
      const actionIds = new Set<string>();
      for (const el of b.elements) {
        const e = checkElement(el);
        if (e) return `${e} ${at}/elements`;
        const id = (el as Json).action_id;
        if (typeof id === 'string') {
          if (actionIds.has(id)) return `duplicate action_id ${at}`;
          actionIds.add(id);
        }
      }
      return { text: 0, markdown: 0 };
    }
    case 'context_actions': {
      // @slack/types: feedback_buttons or icon_button elements, at most 5.
      if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 5)
        return `context_actions needs 1 to 5 elements ${at}`;
      for (const el of b.elements) {
        const e = checkContextAction(el);
        if (e) return `${e} ${at}/elements`;
      }
      return { text: 0, markdown: 0 };
    }
    case 'rich_text':
      return Array.isArray(b.elements) ? { text: 0, markdown: 0 } : `rich_text needs elements ${at}`;
    default:
      return `unsupported block type "${String(b.type)}" ${at}`;
  }
}

function checkElement(el: unknown): string | undefined {
  if (!isObj(el)) return 'element must be an object';
  const e = el as Json;
  if (e.type !== 'button') return undefined;
  const t = textObject(e.text, 75, false);
  if (typeof t === 'string') return `button ${t}`;
  if (typeof e.action_id === 'string' && e.action_id.length > 255) return 'action_id too long';
  if (typeof e.value === 'string' && e.value.length > 2000) return 'button value too long';
  if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger') return 'invalid button style';
  if (e.confirm !== undefined) {
    const c = e.confirm as Json;
    const parts: Array<[unknown, number, boolean]> = [
      [c.title, 100, false],
      [c.text, 300, true],
      [c.confirm, 30, false],
      [c.deny, 30, false],
    ];
    for (const [obj, max, mrkdwnOk] of parts) {
      const r = textObject(obj, max, mrkdwnOk);
      if (typeof r === 'string') return `confirm ${r}`;
    }
  }
  return undefined;
}

/** A feedback_buttons element: a positive and a negative button, each with plain text ≤ 75 and a value. */
function checkContextAction(el: unknown): string | undefined {
  if (!isObj(el)) return 'element must be an object';
  const e = el as Json;
  if (e.type === 'icon_button') return typeof e.icon === 'string' ? undefined : 'icon_button needs an icon';
  if (e.type !== 'feedback_buttons') return `invalid context_actions element "${String(e.type)}"`;
  if (typeof e.action_id === 'string' && e.action_id.length > 255) return 'action_id too long';
  for (const side of ['positive_button', 'negative_button']) {
    const b = e[side] as Json | undefined;
    if (!isObj(b)) return `${side} required`;
    const t = textObject(b!.text, 75, false);
    if (typeof t === 'string') return `${side} ${t}`;
    if (typeof b!.value !== 'string' || b!.value.length === 0 || b!.value.length > 2000)
      return `${side} value must be 1 to 2000 characters`;
    if (typeof b!.accessibility_label === 'string' && b!.accessibility_label.length > 75)
      return `${side} accessibility_label too long`;
  }
  return undefined;
}

/** Returns the text length, or a problem. */
function textObject(o: unknown, max: number, mrkdwnAllowed: boolean): number | string {
  if (!isObj(o)) return 'text object required';
  const t = o as Json;
  if (t.type !== 'plain_text' && !(mrkdwnAllowed && t.type === 'mrkdwn'))
    return `invalid text type "${String(t.type)}"`;
  if (typeof t.text !== 'string' || t.text.length === 0) return 'text must not be empty';
  if (t.text.length > max) return `must be less than ${max + 1} characters`;
  return t.text.length;
}

function isObj(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(detail: string): BlockError {
  return { error: 'invalid_blocks', detail };
}
