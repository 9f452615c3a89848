// The sandbox page's composers: the channel box and the thread box, with Slack's pop-up menu for
// slash commands and @mentions. (Split out of app.js: input, separate from rendering and the stream.)
import { $, api, state } from '/state.js';

/** `@name` typed in the composer becomes Slack's `<@U…>` (people, the bot) or `<!subteam^S…>` (groups). */
function encodeMentions(text) {
  return text.replace(/(^|[\s(])@([a-z0-9._-]+)/gi, (all, before, name) => {
    const lower = name.toLowerCase();
    if (lower === state.bot.name) return `${before}<@${state.bot.id}>`;
    const p = state.people.find((x) => x.name === lower);
    if (p) return `${before}<@${p.id}>`;
    const g = state.groups.find((x) => x.handle === lower);
    return g ? `${before}<!subteam^${g.id}>` : all;
  });
}

async function send(text, threadTs) {
  const trimmed = text.trim();
  if (!trimmed) return;
  const slash = /^(\/[a-z-]+)(?:\s+([\s\S]*))?$/i.exec(trimmed);
  if (slash) {
    // From a thread's box the server explains instead of running it in the channel.
    await api('/api/command', {
      command: slash[1].toLowerCase(),
      text: (slash[2] ?? '').trim(),
      ...(threadTs ? { threadTs } : {}),
    });
  } else {
    await api('/api/message', { text: encodeMentions(trimmed), threadTs });
  }
}

/**
 * A composer's pop-up menu, like Slack's: slash commands while the first word is typed (channel box
 * only), and people, the bot and user groups after `@`. Arrow keys move, Enter or Tab picks, Escape
 * closes.
 */
function menuFor(input, menu, commands) {
  let items = [];
  let index = 0;
  let kind = '';

  const hide = () => {
    menu.hidden = true;
    items = [];
    index = 0;
  };

  const mentionAt = () => /(^|[\s(])@([a-z0-9._-]*)$/i.exec(input.value.slice(0, input.selectionStart));

  const show = () => {
    menu.replaceChildren(
      ...items.map((it, i) => {
        const item = document.createElement('div');
        item.className = `item${i === index ? ' selected' : ''}`;
        item.append(
          Object.assign(document.createElement('div'), { className: 'usage', textContent: it.label }),
          Object.assign(document.createElement('div'), { className: 'desc', textContent: it.desc }),
        );
        item.addEventListener('mousedown', (e) => {
          e.preventDefault();
          pick(i);
        });
        return item;
      }),
    );
    menu.hidden = false;
  };

  const update = () => {
    const cmd = commands ? /^\/(\S*)$/.exec(input.value) : null;
    if (cmd) {
      kind = 'command';
      items = state.commands
        .filter((c) => c.command.startsWith(`/${cmd[1].toLowerCase()}`))
        .map((c) => ({ label: c.usage, desc: c.description, value: c }));
    } else {
      const m = mentionAt();
      if (!m) return hide();
      kind = 'mention';
      const q = m[2].toLowerCase();
      items = [
        { label: `@${state.bot.name}`, desc: 'the ops agent (APP)', value: state.bot.name },
        ...state.people.map((p) => ({ label: `@${p.name}`, desc: p.role, value: p.name })),
        ...state.groups.map((g) => ({ label: `@${g.handle}`, desc: 'user group', value: g.handle })),
      ].filter((it) => it.value.startsWith(q));
    }
    if (items.length === 0) return hide();
    index = Math.min(index, items.length - 1);
    show();
  };

  const pick = (i) => {
    const it = items[i];
    if (!it) return;
    if (kind === 'command') {
      const sub = /^\/\S+ ([a-z]+) /.exec(it.value.usage)?.[1];
      input.value = `${it.value.command} ${sub ? `${sub} ` : ''}`;
    } else {
      const m = mentionAt();
      const end = input.selectionStart;
      const start = end - m[2].length - 1;
      input.value = `${input.value.slice(0, start)}@${it.value} ${input.value.slice(end)}`;
      input.selectionStart = input.selectionEnd = start + it.value.length + 2;
    }
    hide();
    input.focus();
  };

  /** True when the key was the menu's. */
  const key = (e) => {
    if (menu.hidden) return false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      index = (index + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      show();
      return true;
    }
    if ((e.key === 'Enter' && !e.shiftKey && !e.isComposing) || e.key === 'Tab') {
      e.preventDefault();
      pick(index);
      return true;
    }
    if (e.key === 'Escape') {
      hide();
      return true;
    }
    return false;
  };
  return { update, hide, key };
}

function wireComposer(formId, inputId, menuId, threadTs) {
  const form = $(formId);
  const input = $(inputId);
  const menu = menuFor(input, $(menuId), formId === 'composer');
  const submit = async () => {
    const text = input.value;
    input.value = '';
    autosize(input);
    menu.hide();
    await send(text, threadTs());
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  input.addEventListener('keydown', (e) => {
    if (menu.key(e)) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  });
  input.addEventListener('input', () => {
    autosize(input);
    menu.update();
  });
  input.addEventListener('blur', () => menu.hide());
}

function autosize(t) {
  t.style.height = 'auto';
  t.style.height = `${Math.min(t.scrollHeight, 160)}px`;
}

/** Wires the channel's and the thread's composers. */
export function wireComposers() {
  wireComposer('composer', 'composer-input', 'command-menu', () => undefined);
  wireComposer('thread-composer', 'thread-input', 'thread-menu', () => state.thread);
}
