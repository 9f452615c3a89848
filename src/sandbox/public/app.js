// The sandbox page: a Slack-like channel view over the sandbox's JSON API and its live event stream.
import { emojify } from '/emoji.js';
import { messageBody, mrkdwn } from '/render.js';

const $ = (id) => document.getElementById(id);
const COLORS = ['#e8912d', '#4a154b', '#1264a3', '#2bac76', '#cd2553'];

const state = {
  me: localStorage.getItem('sandbox.user') ?? '',
  people: [],
  bot: { id: '', name: 'bot' },
  channels: [],
  groups: [],
  tries: [],
  alarms: [],
  commands: [],
  channel: 'C0GENERAL',
  thread: undefined,
  messages: new Map(), // `${channel}|${ts}` → message
  ephemerals: [],
};
let stream;
const rendered = new Map(); // cache of message DOM, keyed by view + message + content

const key = (channel, ts) => `${channel}|${ts}`;
const person = (id) => state.people.find((p) => p.id === id);
const ctx = {
  get me() {
    return state.me;
  },
  userName: (id) => (id === state.bot.id ? state.bot.name : (person(id)?.name ?? id)),
  channelName: (id) => state.channels.find((c) => c.id === id)?.name ?? id,
  groupName: (id) => state.groups.find((g) => g.id === id)?.handle,
  onButton: (element, block) => clickButton(element, block),
};

/** Handed out in the page by the sandbox server, required on every API call (see web-server.ts). */
const TOKEN = document.querySelector('meta[name="sandbox-token"]')?.getAttribute('content') ?? '';

async function api(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sandbox-token': TOKEN },
    body: JSON.stringify({ user: state.me, channel: state.channel, ...body }),
  });
  return res.json();
}

async function load() {
  const res = await fetch(`/api/state?user=${encodeURIComponent(state.me)}`, {
    headers: { 'x-sandbox-token': TOKEN },
  });
  const s = await res.json();
  Object.assign(state, {
    me: s.me,
    people: s.people,
    bot: s.bot,
    channels: s.channels,
    groups: s.groups,
    tries: s.tries,
    alarms: s.alarms ?? [],
    commands: s.commands,
    ephemerals: s.ephemerals,
  });
  state.messages = new Map(s.messages.map((m) => [key(m.channel, m.ts), m]));
  if (!state.channels.some((c) => c.id === state.channel)) state.channel = state.channels[0].id;
  localStorage.setItem('sandbox.user', state.me);
  if (s.harness !== 'emulator')
    $('harness-label').textContent = `the agent is your ${s.harness} (real AWS calls)`;
  renderSidebar();
  renderAll();
  connect();
}

function connect() {
  stream?.close();
  stream = new EventSource(
    `/api/stream?user=${encodeURIComponent(state.me)}&token=${encodeURIComponent(TOKEN)}`,
  );
  stream.addEventListener('message', (e) => {
    const m = JSON.parse(e.data);
    state.messages.set(key(m.channel, m.ts), m);
    renderAll();
  });
  stream.addEventListener('ephemeral', (e) => {
    const eph = JSON.parse(e.data);
    if (!state.ephemerals.some((x) => x.id === eph.id)) state.ephemerals.push(eph);
    renderAll();
  });
  stream.addEventListener('open', () => document.body.classList.add('live'));
}

// ---- sidebar ------------------------------------------------------------------------------

function renderSidebar() {
  const channelItems = (list) =>
    list.map((c) => {
      const li = document.createElement('li');
      li.textContent = c.dm ? `● ${c.name}` : `# ${c.name}`;
      li.dataset.channel = c.id;
      li.className = c.id === state.channel ? 'active' : '';
      li.addEventListener('click', () => {
        state.channel = c.id;
        state.thread = undefined;
        renderSidebar();
        renderAll();
      });
      return li;
    });
  $('channels').replaceChildren(...channelItems(state.channels.filter((c) => !c.dm)));
  $('dms').replaceChildren(...channelItems(state.channels.filter((c) => c.dm)));
  const current = state.channels.find((c) => c.id === state.channel);
  const name = ctx.channelName(state.channel);
  $('channel-title').textContent = current?.dm ? name : `# ${name}`;
  $('composer-input').placeholder = current?.dm
    ? `Message ${name}`
    : `Message #${name}: / for commands, @ to mention`;

  const select = $('identity');
  select.replaceChildren(
    ...state.people.map((p) => {
      const o = document.createElement('option');
      o.value = p.id;
      o.textContent = `${p.name} (${p.role})`;
      o.selected = p.id === state.me;
      return o;
    }),
  );
  $('identity-hint').textContent = `Posting and clicking as @${person(state.me)?.name ?? state.me}`;

  $('tries').replaceChildren(
    ...state.tries.map((t) => {
      const li = document.createElement('li');
      li.append(
        Object.assign(document.createElement('span'), { className: 'try-text', textContent: t.text }),
      );
      if (t.hint)
        li.append(
          Object.assign(document.createElement('span'), { className: 'try-hint', textContent: t.hint }),
        );
      li.title = t.hint ? `${t.text} (${t.hint})` : t.text;
      li.addEventListener('click', () => {
        // Commands and mentions are typed in a channel, not in a DM's thread.
        if (state.channels.find((c) => c.id === state.channel)?.dm && t.text.startsWith('/')) {
          state.channel = state.channels[0].id;
          state.thread = undefined;
          renderSidebar();
          renderAll();
        }
        $('composer-input').value = t.text;
        $('composer-input').focus();
      });
      return li;
    }),
  );

  // Simulate an alarm: another app posts a notification in the channel being read.
  $('alarms').replaceChildren(
    ...state.alarms.map((a) => {
      const li = document.createElement('li');
      li.append(
        Object.assign(document.createElement('span'), { className: 'try-text', textContent: a.label }),
      );
      li.title = `Post a ${a.label} notification here`;
      li.addEventListener('click', () => void api('/api/alarm', { source: a.id }));
      return li;
    }),
  );
}

$('identity').addEventListener('change', (e) => {
  state.me = e.target.value;
  localStorage.setItem('sandbox.user', state.me);
  load();
});

// ---- messages -----------------------------------------------------------------------------

const isRoot = (m) => !m.threadTs || m.threadTs === m.ts;
const time = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function avatar(m) {
  const a = document.createElement('div');
  if (m.bot) {
    a.className = 'avatar bot';
    a.textContent = '🤖';
  } else {
    const i = Math.max(
      0,
      state.people.findIndex((p) => p.id === m.user),
    );
    a.className = 'avatar';
    a.style.background = COLORS[i % COLORS.length];
    a.textContent = (ctx.userName(m.user) ?? '?').slice(0, 1).toUpperCase();
  }
  return a;
}

function messageElement(m, where) {
  const sig = JSON.stringify([
    where,
    m.text,
    m.blocks,
    m.edited,
    m.reactions,
    m.files?.map((f) => f.id),
    m.tasks,
    replyCount(m),
    state.me,
  ]);
  const cacheKey = `${where}|${m.channel}|${m.ts}`;
  const hit = rendered.get(cacheKey);
  if (hit && hit.sig === sig) return hit.el;

  const row = document.createElement('div');
  row.className = 'msg';
  row.dataset.ts = m.ts;
  row.dataset.author = m.bot ? 'bot' : (m.app ?? ctx.userName(m.user));
  const main = document.createElement('div');
  main.className = 'msg-main';
  const head = document.createElement('div');
  head.className = 'msg-head';
  const author = document.createElement('span');
  author.className = 'msg-author';
  author.textContent = m.bot ? state.bot.name : (m.app ?? ctx.userName(m.user));
  head.append(author);
  if (m.bot || m.app)
    head.append(
      Object.assign(document.createElement('span'), { className: 'app-badge', textContent: 'APP' }),
    );
  head.append(
    Object.assign(document.createElement('span'), { className: 'msg-time', textContent: time(m.at) }),
  );
  if (m.edited)
    head.append(
      Object.assign(document.createElement('span'), { className: 'edited', textContent: '(edited)' }),
    );
  main.append(head, messageBody(m, { ...ctx, messageTs: m.ts, onButton: (e, b) => clickButton(e, b, m) }));
  if (m.tasks?.length) main.append(tasksElement(m.tasks));
  for (const f of m.files ?? []) main.append(fileElement(f));
  if (m.reactions?.length) main.append(reactionsElement(m.reactions));
  const n = replyCount(m);
  if (where === 'channel' && isRoot(m) && n > 0) {
    const link = document.createElement('button');
    link.className = 'replies-link';
    link.textContent = `${n} ${n === 1 ? 'reply' : 'replies'}`;
    link.addEventListener('click', () => openThread(m.ts));
    main.append(link);
  }
  row.append(avatar(m), main);
  if (where === 'channel' && isRoot(m)) {
    row.addEventListener('dblclick', () => openThread(m.ts));
  }
  rendered.set(cacheKey, { sig, el: row });
  return row;
}

/** A native stream's task updates: the agent's tool activity while it writes. */
function tasksElement(tasks) {
  const box = document.createElement('ul');
  box.className = 'tasks';
  for (const t of tasks) {
    const li = document.createElement('li');
    li.className = `task ${t.status}`;
    li.textContent = `${t.status === 'complete' ? '✔' : t.status === 'error' ? '✖' : '⋯'} ${t.title}`;
    box.append(li);
  }
  return box;
}

/** A file shared with the message (answer.md, report files), readable in place as Slack previews it. */
function fileElement(f) {
  const box = document.createElement('details');
  box.className = 'file';
  const summary = document.createElement('summary');
  const kb = f.size < 1024 ? `${f.size} B` : `${(f.size / 1024).toFixed(1)} KB`;
  summary.append(
    Object.assign(document.createElement('span'), { className: 'file-icon', textContent: '📄' }),
    Object.assign(document.createElement('span'), { className: 'file-name', textContent: f.title || f.name }),
    Object.assign(document.createElement('span'), {
      className: 'file-meta',
      textContent: `${f.name} · ${kb}`,
    }),
  );
  const body = Object.assign(document.createElement('pre'), {
    className: 'file-body',
    textContent: f.content,
  });
  box.append(summary, body);
  return box;
}

function reactionsElement(reactions) {
  const box = document.createElement('div');
  box.className = 'reactions';
  for (const r of reactions) {
    const chip = document.createElement('span');
    chip.className = 'reaction';
    chip.dataset.name = r.name;
    chip.title = `:${r.name}:`;
    chip.textContent = `${emojify(`:${r.name}:`)} ${r.count}`;
    box.append(chip);
  }
  return box;
}

function ephemeralElement(e) {
  const row = document.createElement('div');
  row.className = 'msg ephemeral';
  row.dataset.ephemeral = String(e.id);
  const main = document.createElement('div');
  main.className = 'msg-main';
  const head = document.createElement('div');
  head.className = 'msg-head';
  head.append(
    Object.assign(document.createElement('span'), { className: 'msg-author', textContent: state.bot.name }),
    Object.assign(document.createElement('span'), { className: 'app-badge', textContent: 'APP' }),
    Object.assign(document.createElement('span'), { className: 'msg-time', textContent: time(e.at) }),
  );
  const only = Object.assign(document.createElement('div'), {
    className: 'only-you',
    textContent: '👁 Only visible to you',
  });
  main.append(only, head, messageBody(e, ctx));
  row.append(avatar({ bot: true }), main);
  return row;
}

function replyCount(m) {
  let n = 0;
  for (const x of state.messages.values())
    if (x.channel === m.channel && x.threadTs === m.ts && x.ts !== m.ts) n++;
  return n;
}

function fill(container, items) {
  const atBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 60;
  container.replaceChildren(...items);
  if (atBottom) container.scrollTop = container.scrollHeight;
}

function renderAll() {
  const all = [...state.messages.values()].sort((a, b) => a.at - b.at || a.ts.localeCompare(b.ts));
  const roots = all.filter((m) => m.channel === state.channel && isRoot(m));
  const ephemerals = state.ephemerals.filter((e) => e.channel === state.channel && !e.threadTs);
  const items = [
    ...roots.map((m) => ({ at: m.at, el: () => messageElement(m, 'channel') })),
    ...ephemerals.map((e) => ({ at: e.at, el: () => ephemeralElement(e) })),
  ].sort((a, b) => a.at - b.at);
  const list = items.map((i) => i.el());
  if (list.length === 0) {
    const empty = document.createElement('div');
    empty.className = 'empty';
    const dm = state.channels.find((c) => c.id === state.channel)?.dm;
    empty.innerHTML = mrkdwn(
      dm
        ? `This is your direct message with ${state.bot.name}. Ask it a question, e.g. \`why is checkout slow?\`; it answers in a thread.`
        : 'This is the beginning of the channel. Type `/assess eks my-cluster us-west-2` below, or pick a command under *Try* on the left. The agent answers in a thread.',
      ctx,
    );
    list.push(empty);
  }
  fill($('messages'), list);
  renderThread(all);
}

function renderThread(all) {
  const pane = $('thread');
  if (!state.thread) {
    pane.hidden = true;
    return;
  }
  pane.hidden = false;
  const dm = state.channels.find((c) => c.id === state.channel)?.dm;
  $('thread-channel').textContent = `${dm ? '' : '# '}${ctx.channelName(state.channel)}`;
  const root = state.messages.get(key(state.channel, state.thread));
  const replies = all.filter(
    (m) => m.channel === state.channel && m.threadTs === state.thread && m.ts !== state.thread,
  );
  const eph = state.ephemerals.filter((e) => e.channel === state.channel && e.threadTs === state.thread);
  const items = [];
  if (root) {
    const r = messageElement(root, 'thread-root');
    r.classList.add('thread-root');
    items.push(r);
  }
  items.push(
    ...[
      ...replies.map((m) => ({ at: m.at, el: () => messageElement(m, 'thread') })),
      ...eph.map((e) => ({ at: e.at, el: () => ephemeralElement(e) })),
    ]
      .sort((a, b) => a.at - b.at)
      .map((i) => i.el()),
  );
  fill($('thread-messages'), items);
}

function openThread(ts) {
  state.thread = ts;
  renderAll();
  const list = $('thread-messages');
  list.scrollTop = list.scrollHeight;
  $('thread-input').focus();
}

$('thread-close').addEventListener('click', () => {
  state.thread = undefined;
  renderAll();
});

// ---- buttons and confirm dialogs ------------------------------------------------------------

async function clickButton(element, _block, message) {
  if (!message) return;
  if (element.url) window.open(element.url, '_blank', 'noopener');
  if (element.confirm) {
    const ok = await confirmDialog(element.confirm);
    if (!ok) return;
  }
  await api('/api/click', {
    channel: message.channel,
    messageTs: message.ts,
    actionId: element.action_id,
    value: element.value,
  });
}

function confirmDialog(c) {
  const dialog = $('confirm');
  $('confirm-title').textContent = c.title?.text ?? 'Are you sure?';
  const text = c.text ?? { type: 'plain_text', text: '' };
  $('confirm-text').innerHTML = text.type === 'mrkdwn' ? mrkdwn(text.text, ctx) : markdownSafeText(text.text);
  $('confirm-ok').textContent = c.confirm?.text ?? 'Yes';
  $('confirm-deny').textContent = c.deny?.text ?? 'Cancel';
  $('confirm-ok').className = `bk-button ${c.style === 'danger' ? 'danger' : 'primary'}`;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

function markdownSafeText(s) {
  const d = document.createElement('div');
  d.textContent = s;
  return d.innerHTML;
}

// ---- composers ----------------------------------------------------------------------------

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

wireComposer('composer', 'composer-input', 'command-menu', () => undefined);
wireComposer('thread-composer', 'thread-input', 'thread-menu', () => state.thread);

load();
