// The sandbox page's message panes: the channel and the open thread, with buttons and confirm
// dialogs. (Split out of app.js: rendering, separate from the state stream and the composers.)
import { HOME, renderHome, renderSession, tasksElement } from '/agent.js';
import { emojify } from '/emoji.js';
import { messageBody, mrkdwn } from '/render.js';
import { $, api, ctx, key, state } from '/state.js';

const COLORS = ['#e8912d', '#4a154b', '#1264a3', '#2bac76', '#cd2553'];
const rendered = new Map(); // cache of message DOM, keyed by view + message + content

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
    m.streaming,
    // Only a streaming message draws differently by its session (its own stop or the session's).
    m.streaming ? state.sessions.get(key(m.channel, m.threadTs ?? m.ts))?.status : undefined,
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
  if (m.tasks?.length) main.append(tasksElement(m.tasks, m.streaming));
  // An agent session's stop button stops its streams too (in the thread's header): Slack shows one.
  const session = state.sessions.get(key(m.channel, m.threadTs ?? m.ts));
  if (m.streaming && !(session?.status === 'processing' && session.stoppable))
    main.append(streamStopElement(m));
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

/** Slack's own stop control on a message that is still streaming (STREAM_MODE=native). */
function streamStopElement(m) {
  const button = Object.assign(document.createElement('button'), {
    className: 'bk-button stream-stop',
    textContent: 'Stop',
    title: 'Stop the streaming reply',
  });
  button.addEventListener('click', () => api('/api/stop-stream', { channel: m.channel, messageTs: m.ts }));
  const box = Object.assign(document.createElement('div'), { className: 'bk-actions' });
  box.append(button);
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

export function renderAll() {
  document.body.classList.toggle('home-open', state.channel === HOME);
  if (state.channel === HOME) {
    renderHome();
    $('thread').hidden = true;
    return;
  }
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
  renderSession();
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
