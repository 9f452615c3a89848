// The sandbox page: a Slack-like channel view over the sandbox's JSON API and its live event stream.
// This file loads the state, follows the event stream and draws the sidebar; the message panes are
// in messages.js, the composers in composer.js, the shared state in state.js.
import { HOME, openHome } from '/agent.js';
import { wireComposers } from '/composer.js';
import { renderAll } from '/messages.js';
import { $, api, ctx, key, person, state, TOKEN } from '/state.js';

let stream;

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
    home: s.home,
  });
  state.sessions = new Map((s.sessions ?? []).map((x) => [key(x.channel, x.threadTs), x]));
  state.messages = new Map(s.messages.map((m) => [key(m.channel, m.ts), m]));
  if (state.channel === HOME) void openHome().then(renderAll);
  else if (!state.channels.some((c) => c.id === state.channel)) state.channel = state.channels[0].id;
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
  stream.addEventListener('session', (e) => {
    const s = JSON.parse(e.data);
    state.sessions.set(key(s.channel, s.threadTs), s);
    renderAll();
  });
  stream.addEventListener('home', (e) => {
    state.home = JSON.parse(e.data);
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
  // The app's Home tab (Slack: the app's name under Apps, then Home).
  const home = document.createElement('li');
  home.textContent = `🏠 ${state.bot.name} · Home`;
  home.id = 'home-tab';
  home.className = state.channel === HOME ? 'active' : '';
  home.addEventListener('click', () => {
    void openHome().then(() => {
      renderSidebar();
      renderAll();
    });
  });
  $('apps').replaceChildren(home);
  const current = state.channels.find((c) => c.id === state.channel);
  const name = ctx.channelName(state.channel);
  $('channel-title').textContent =
    state.channel === HOME ? `${state.bot.name} · Home` : current?.dm ? name : `# ${name}`;
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

wireComposers();
load();
