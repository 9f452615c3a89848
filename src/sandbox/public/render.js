// Renders what the bot posts: Block Kit blocks, Slack mrkdwn and standard Markdown (markdown blocks).
// All HTML passes through DOMPurify before it reaches the page.

import { emojify } from '/emoji.js';
import { Marked } from '/vendor/marked.js';
import DOMPurify from '/vendor/purify.js';

const marked = new Marked({ gfm: true, breaks: false });

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

const escapeHtml = (s) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Slack's own escapes in message text, undone before the text is escaped for HTML again. */
const unescapeSlack = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

const safeUrl = (url) => (/^(https?:|mailto:)/i.test(url) ? url : undefined);

/** `<@U…>`, `<#C…|name>`, `<!here>`, `<!date^…>`, `<url|label>`: Slack's angle-bracket controls, as HTML. */
function control(inner, ctx) {
  const [target, label] = splitOnce(inner, '|');
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return `<span class="mention${id === ctx.me ? ' me' : ''}">@${escapeHtml(label || ctx.userName(id))}</span>`;
  }
  if (target.startsWith('#')) {
    return `<span class="mention">#${escapeHtml(label || ctx.channelName(target.slice(1)))}</span>`;
  }
  if (target.startsWith('!date^')) {
    // <!date^epoch^format|fallback>: shown in the viewer's local time, as Slack does.
    const epoch = Number(target.split('^')[1]);
    const when = Number.isFinite(epoch) ? new Date(epoch * 1000).toLocaleString() : label;
    return `<time>${escapeHtml(when || label)}</time>`;
  }
  if (target.startsWith('!subteam^')) {
    // A user group: Slack shows its handle (@fis-approvers), not the word "subteam".
    const id = target.slice('!subteam^'.length);
    return `<span class="mention group">@${escapeHtml(label.replace(/^@/, '') || ctx.groupName?.(id) || id)}</span>`;
  }
  if (target.startsWith('!')) {
    const name = target.slice(1).split('^')[0];
    return `<span class="mention broadcast">@${escapeHtml(label || name)}</span>`;
  }
  const url = safeUrl(unescapeSlack(target));
  const text = escapeHtml(unescapeSlack(label || target));
  return url ? `<a href="${escapeHtml(url)}">${text}</a>` : text;
}

function splitOnce(s, sep) {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

const BOUNDARY_BEFORE = '(^|[\\s(\\[{"\'>\\uE000])';
const BOUNDARY_AFTER = '(?=$|[\\s)\\]}.,!?;:"\'<\\uE000])';
const style = (mark, tag) => [
  new RegExp(`${BOUNDARY_BEFORE}\\${mark}([^\\${mark}\\n]+?)\\${mark}${BOUNDARY_AFTER}`, 'g'),
  `$1<${tag}>$2</${tag}>`,
];
const STYLES = [style('*', 'b'), style('_', 'i'), style('~', 's')];

/**
 * Slack mrkdwn → sanitized HTML. Code (``` blocks and `spans`) and the angle-bracket controls are set
 * aside as placeholders first, so they are shown verbatim and bold or italic can span them.
 */
export function mrkdwn(text, ctx) {
  const held = [];
  const hold = (html) => {
    held.push(html);
    return `\uE000${held.length - 1}\uE000`;
  };
  let s = text.replace(/\uE000/g, '');
  s = s.replace(/```([\s\S]*?)```/g, (_, code) =>
    hold(`<pre>${escapeHtml(unescapeSlack(code.replace(/^\n/, '')))}</pre>`),
  );
  s = s.replace(/`([^`\n]+)`/g, (_, code) => hold(`<code>${escapeHtml(unescapeSlack(code))}</code>`));
  s = s.replace(/<([^<>\n]+)>/g, (_, inner) => hold(control(inner, ctx)));
  s = escapeHtml(unescapeSlack(s));
  s = emojify(s);
  for (const [re, out] of STYLES) s = s.replace(re, out);
  s = s.replace(/(^|\n)&gt; ?([^\n]*)/g, '$1<span class="quote">$2</span>');
  s = s.replace(/\n/g, '<br>');
  s = s.replace(/\uE000(\d+)\uE000/g, (_, i) => held[Number(i)]);
  return DOMPurify.sanitize(s);
}

/** Standard Markdown (a `markdown` block) → sanitized HTML, with emoji and mentions outside code. */
export function markdown(text, ctx) {
  const withMentions = text
    .replace(/<@([A-Z0-9]+)(?:\|([^>]*))?>/g, (_, id, label) => `@${label || ctx.userName(id)}`)
    .replace(
      /<!subteam\^([A-Z0-9]+)(?:\|@?([^>]*))?>/g,
      (_, id, label) => `@${label || ctx.groupName?.(id) || id}`,
    );
  const html = DOMPurify.sanitize(marked.parse(withMentions));
  const box = document.createElement('div');
  box.innerHTML = html;
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.parentElement.closest('code, pre')) n.nodeValue = emojify(n.nodeValue);
  }
  return box.innerHTML;
}

function textObject(t, ctx) {
  if (!t) return '';
  return t.type === 'mrkdwn'
    ? mrkdwn(t.text ?? '', ctx)
    : escapeHtml(t.emoji === false ? t.text : emojify(t.text ?? ''));
}

function el(tag, className, html) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (html !== undefined) e.innerHTML = html;
  return e;
}

function button(element, block, ctx) {
  const b = el(
    'button',
    `bk-button${element.style ? ` ${element.style}` : ''}`,
    textObject(element.text, ctx),
  );
  b.type = 'button';
  b.dataset.actionId = element.action_id ?? '';
  if (element.value !== undefined) b.dataset.value = element.value;
  b.addEventListener('click', () => ctx.onButton(element, block));
  return b;
}

function renderBlock(block, ctx) {
  switch (block.type) {
    case 'section': {
      const box = el('div', 'bk-section');
      const body = el('div', 'bk-section-body');
      if (block.text) body.append(el('div', 'bk-text', textObject(block.text, ctx)));
      if (block.fields?.length) {
        const fields = el('div', 'bk-fields');
        for (const f of block.fields) fields.append(el('div', 'bk-field', textObject(f, ctx)));
        body.append(fields);
      }
      box.append(body);
      if (block.accessory?.type === 'button') box.append(button(block.accessory, block, ctx));
      // `expand: false`: Slack shows the start of a long section with "See more" (the step timeline).
      if (block.expand === false) {
        box.classList.add('collapsed');
        const more = el('button', 'see-more', 'See more');
        more.type = 'button';
        more.addEventListener('click', () => {
          const collapsed = box.classList.toggle('collapsed');
          more.textContent = collapsed ? 'See more' : 'See less';
        });
        box.append(more);
      }
      return box;
    }
    case 'context': {
      const box = el('div', 'bk-context');
      for (const e of block.elements ?? []) {
        if (e.type === 'image') {
          const img = el('img', 'bk-context-image');
          if (safeUrl(e.image_url ?? '')) img.src = e.image_url;
          img.alt = e.alt_text ?? '';
          box.append(img);
        } else box.append(el('span', 'bk-context-item', textObject(e, ctx)));
      }
      return box;
    }
    case 'markdown':
      return el('div', 'bk-markdown', markdown(block.text ?? '', ctx));
    case 'divider':
      return el('hr', 'bk-divider');
    case 'header':
      return el('div', 'bk-header', textObject(block.text, ctx));
    case 'actions': {
      const box = el('div', 'bk-actions');
      for (const e of block.elements ?? []) {
        if (e.type === 'button') box.append(button(e, block, ctx));
        else box.append(el('span', 'bk-unsupported', `[${escapeHtml(e.type)}]`));
      }
      return box;
    }
    case 'context_actions': {
      // Slack's feedback buttons on an AI answer: a thumbs up and a thumbs down, each sending its value.
      const box = el('div', 'bk-actions bk-feedback');
      for (const e of block.elements ?? []) {
        if (e.type !== 'feedback_buttons') continue;
        for (const [side, icon] of [
          ['positive_button', '👍'],
          ['negative_button', '👎'],
        ]) {
          const b = e[side];
          if (!b) continue;
          const btn = button(
            {
              type: 'button',
              action_id: e.action_id,
              value: b.value,
              text: { type: 'plain_text', text: `${icon} ${b.text?.text ?? ''}` },
            },
            block,
            ctx,
          );
          if (b.accessibility_label) btn.setAttribute('aria-label', b.accessibility_label);
          // A toggle in Slack's client: the chosen one stays pressed (Slack sends nothing on deselect).
          btn.addEventListener('click', () => {
            for (const other of box.querySelectorAll('.bk-button'))
              if (other !== btn) other.classList.remove('pressed');
            btn.classList.toggle('pressed');
          });
          box.append(btn);
        }
      }
      return box;
    }
    case 'image': {
      const img = el('img', 'bk-image');
      if (safeUrl(block.image_url ?? '')) img.src = block.image_url;
      img.alt = block.alt_text ?? '';
      return img;
    }
    default:
      return el('div', 'bk-unsupported', `[${escapeHtml(String(block.type))} block]`);
  }
}

/** The body of a message: its blocks, or its text as mrkdwn when it has none. */
export function messageBody(msg, ctx) {
  const box = el('div', 'msg-body');
  if (Array.isArray(msg.blocks) && msg.blocks.length > 0) {
    for (const b of msg.blocks) box.append(renderBlock(b, ctx));
  } else box.append(el('div', 'bk-text', mrkdwn(msg.text ?? '', ctx)));
  return box;
}
