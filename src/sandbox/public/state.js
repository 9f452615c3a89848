// The sandbox page's shared state and its calls to the sandbox server's JSON API.
// (Split out of app.js: the page's parts (state stream, messages, composers) all read this.)

export const $ = (id) => document.getElementById(id);

export const state = {
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
  sessions: new Map(), // `${channel}|${threadTs}` → agent session
  home: undefined, // my Home tab, as the app last published it
};

export const key = (channel, ts) => `${channel}|${ts}`;
export const person = (id) => state.people.find((p) => p.id === id);
/** What render.js needs to draw a message for the person viewing the page. */
export const ctx = {
  get me() {
    return state.me;
  },
  userName: (id) => (id === state.bot.id ? state.bot.name : (person(id)?.name ?? id)),
  channelName: (id) => state.channels.find((c) => c.id === id)?.name ?? id,
  groupName: (id) => state.groups.find((g) => g.id === id)?.handle,
  // Buttons act on the message they are on; messages.js passes its own handler per message.
  onButton: () => undefined,
};

/** Handed out in the page by the sandbox server, required on every API call (see web-server.ts). */
export const TOKEN = document.querySelector('meta[name="sandbox-token"]')?.getAttribute('content') ?? '';

export async function api(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sandbox-token': TOKEN },
    body: JSON.stringify({ user: state.me, channel: state.channel, ...body }),
  });
  return res.json();
}
