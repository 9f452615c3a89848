// Slack's agent surfaces on the sandbox page: a thread's agent session (its status, title and
// Slack's own stop button while the agent works), the steps of a streamed answer, and the app's
// Home tab. (Split out of messages.js: these are drawn from the session and Home updates, not from
// messages.)
import { messageBody } from '/render.js';
import { $, api, ctx, state } from '/state.js';

const STATUS_LABEL = {
  processing: 'Working',
  active: 'Waiting for a follow-up',
  suspended: 'Waiting for an approval',
  closed: 'Closed',
};

/** The open thread's agent session, above its messages: status, title, and Slack's stop while processing. */
export function renderSession() {
  const box = $('thread-session');
  const s = state.thread ? state.sessions.get(`${state.channel}|${state.thread}`) : undefined;
  box.hidden = !s;
  if (!s) return;
  const pill = Object.assign(document.createElement('span'), {
    className: `session-status ${s.status}`,
    textContent: STATUS_LABEL[s.status] ?? s.status,
  });
  pill.dataset.status = s.status;
  const title = Object.assign(document.createElement('span'), {
    className: 'session-title',
    textContent: s.title ?? '',
  });
  const items = [pill, title];
  if (s.status === 'processing' && s.stoppable) {
    // Slack's own stop button on an agent session: it sends agent_session_stopped to the app.
    const stop = Object.assign(document.createElement('button'), {
      type: 'button',
      id: 'session-stop',
      className: 'session-stop',
      title: 'Stop the agent (Slack’s stop button)',
      textContent: '■ Stop',
    });
    stop.setAttribute('aria-label', 'Stop the agent');
    stop.addEventListener('click', () => {
      stop.disabled = true;
      void api('/api/agent-stop', { channel: s.channel, threadTs: s.threadTs });
    });
    items.push(stop);
  }
  box.replaceChildren(...items);
}

/** Steps shown at once; longer lists are summarized, the full list one click away. */
const SHOWN_STEPS = 5;

/** A streamed answer's steps (task updates): each command, whether it worked, how long it took. */
export function tasksElement(tasks, streaming) {
  const list = document.createElement('ul');
  list.className = 'tasks';
  for (const t of tasks) {
    const li = document.createElement('li');
    li.className = `task ${t.status}`;
    const mark = t.status === 'complete' ? '✔' : t.status === 'error' ? '✖' : '⋯';
    li.append(
      Object.assign(document.createElement('span'), {
        className: 'task-title',
        textContent: `${mark} ${t.title}`,
      }),
    );
    if (t.output)
      li.append(
        Object.assign(document.createElement('span'), { className: 'task-output', textContent: t.output }),
      );
    list.append(li);
  }
  const box = document.createElement('details');
  box.className = 'steps';
  box.open = streaming || tasks.length <= SHOWN_STEPS;
  const failed = tasks.filter((t) => t.status === 'error').length;
  const summary = document.createElement('summary');
  summary.textContent = `${tasks.length} step${tasks.length === 1 ? '' : 's'}${failed ? `, ${failed} failed` : ''}`;
  box.append(summary, list);
  return box;
}

// ---- the Home tab -------------------------------------------------------------------------------

export const HOME = 'HOME';

/** Opens the app's Home tab: Slack sends app_home_opened, the app publishes the view. */
export async function openHome() {
  state.channel = HOME;
  state.thread = undefined;
  const r = await api('/api/home-open', {});
  if (r.home) state.home = r.home;
}

export function renderHome() {
  const pane = $('messages');
  if (!state.home || state.home.user !== state.me) {
    const wait = Object.assign(document.createElement('div'), {
      className: 'empty',
      textContent: `Opening ${state.bot.name}’s Home tab…`,
    });
    pane.replaceChildren(wait);
    return;
  }
  const view = document.createElement('div');
  view.className = 'home-view';
  view.append(
    messageBody(
      { blocks: state.home.blocks, text: '' },
      {
        ...ctx,
        onButton: async (element) => {
          if (element.url) window.open(element.url, '_blank', 'noopener');
          if (!element.action_id || element.url) return;
          await api('/api/home-click', { actionId: element.action_id, value: element.value ?? '' });
        },
      },
    ),
  );
  pane.replaceChildren(view);
}
