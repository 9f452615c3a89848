// The sandbox page: a Slack-like channel view over the sandbox's JSON API and its live event stream.
import { messageBody, mrkdwn } from '/render.js';

const $ = (id) => document.getElementById(id);
const COLORS = ['#e8912d', '#4a154b', '#1264a3', '#2bac76', '#cd2553'];

const state = {
  me: localStorage.getItem('sandbox.user') ?? '',
  people: [],
  bot: { id: '', name: 'bot' },
  channels: [],
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
    commands: s.commands,
    ephemerals: s.ephemerals,
  });
  state.messages = new Map(s.messages.map((m) => [key(m.channel, m.ts), m]));
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
  const list = $('channels');
  list.replaceChildren(
    ...state.channels.map((c) => {
      const li = document.createElement('li');
      li.textContent = `# ${c.name}`;
      li.className = c.id === state.channel ? 'active' : '';
      li.addEventListener('click', () => {
        state.channel = c.id;
        state.thread = undefined;
        renderSidebar();
        renderAll();
      });
      return li;
    }),
  );
  const name = ctx.channelName(state.channel);
  $('channel-title').textContent = `# ${name}`;
  $('composer-input').placeholder = `Message #${name}, or type / for commands`;

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

  const tries = [
    '/assess eks my-cluster us-west-2',
    '/chaos rds orders-db us-east-1',
    '/fis prepare stop one EC2 instance of the checkout ASG for 5 minutes',
    '/logs /aws/lambda/checkout 1h us-east-1',
    '/assess help',
  ];
  $('tries').replaceChildren(
    ...tries.map((t) => {
      const li = document.createElement('li');
      li.textContent = t;
      li.title = t;
      li.addEventListener('click', () => {
        $('composer-input').value = t;
        $('composer-input').focus();
      });
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
  const sig = JSON.stringify([where, m.text, m.blocks, m.edited, replyCount(m), state.me]);
  const cacheKey = `${where}|${m.channel}|${m.ts}`;
  const hit = rendered.get(cacheKey);
  if (hit && hit.sig === sig) return hit.el;

  const row = document.createElement('div');
  row.className = 'msg';
  row.dataset.ts = m.ts;
  row.dataset.author = m.bot ? 'bot' : ctx.userName(m.user);
  const main = document.createElement('div');
  main.className = 'msg-main';
  const head = document.createElement('div');
  head.className = 'msg-head';
  const author = document.createElement('span');
  author.className = 'msg-author';
  author.textContent = m.bot ? state.bot.name : ctx.userName(m.user);
  head.append(author);
  if (m.bot)
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
    empty.innerHTML = mrkdwn(
      'This is the beginning of the channel. Type `/assess eks my-cluster us-west-2` below, or pick a command under *Try* on the left. The agent answers in a thread.',
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
  $('thread-channel').textContent = `# ${ctx.channelName(state.channel)}`;
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

async function send(text, threadTs) {
  const trimmed = text.trim();
  if (!trimmed) return;
  const slash = /^(\/[a-z-]+)(?:\s+([\s\S]*))?$/i.exec(trimmed);
  if (slash) {
    await api('/api/command', { command: slash[1].toLowerCase(), text: (slash[2] ?? '').trim() });
  } else {
    await api('/api/message', { text: trimmed, threadTs });
  }
}

function wireComposer(formId, inputId, threadTs) {
  const form = $(formId);
  const input = $(inputId);
  const submit = async () => {
    const text = input.value;
    input.value = '';
    autosize(input);
    hideMenu();
    await send(text, threadTs());
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  input.addEventListener('keydown', (e) => {
    if (formId === 'composer' && menuKey(e, input)) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  });
  input.addEventListener('input', () => {
    autosize(input);
    if (formId === 'composer') updateMenu(input.value);
  });
}

function autosize(t) {
  t.style.height = 'auto';
  t.style.height = `${Math.min(t.scrollHeight, 160)}px`;
}

// The slash-command menu: shown while the first word is being typed, like Slack's.
let menuItems = [];
let menuIndex = 0;

function updateMenu(value) {
  const m = /^\/(\S*)$/.exec(value);
  if (!m) return hideMenu();
  menuItems = state.commands.filter((c) => c.command.startsWith(`/${m[1].toLowerCase()}`));
  if (menuItems.length === 0) return hideMenu();
  menuIndex = Math.min(menuIndex, menuItems.length - 1);
  const menu = $('command-menu');
  menu.replaceChildren(
    ...menuItems.map((c, i) => {
      const item = document.createElement('div');
      item.className = `item${i === menuIndex ? ' selected' : ''}`;
      item.innerHTML = `<div class="usage"></div><div class="desc"></div>`;
      item.querySelector('.usage').textContent = c.usage;
      item.querySelector('.desc').textContent = c.available
        ? c.description
        : `${c.description} (not enabled yet)`;
      item.addEventListener('mousedown', (e) => {
        e.preventDefault();
        pick(i);
      });
      return item;
    }),
  );
  menu.hidden = false;
}

function hideMenu() {
  $('command-menu').hidden = true;
  menuItems = [];
  menuIndex = 0;
}

function pick(i) {
  const c = menuItems[i];
  if (!c) return;
  const input = $('composer-input');
  const sub = /^\/\S+ ([a-z]+) /.exec(c.usage)?.[1];
  input.value = `${c.command} ${sub ? `${sub} ` : ''}`;
  hideMenu();
  input.focus();
}

function menuKey(e, _input) {
  if ($('command-menu').hidden) return false;
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    menuIndex = (menuIndex + (e.key === 'ArrowDown' ? 1 : menuItems.length - 1)) % menuItems.length;
    updateMenu($('composer-input').value);
    return true;
  }
  if (e.key === 'Tab') {
    e.preventDefault();
    pick(menuIndex);
    return true;
  }
  if (e.key === 'Escape') {
    hideMenu();
    return true;
  }
  return false;
}

wireComposer('composer', 'composer-input', () => undefined);
wireComposer('thread-composer', 'thread-input', () => state.thread);

load();
