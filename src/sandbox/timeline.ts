/**
 * What the page shows, kept in step with the fake Slack: every message (with its edits) and the
 * ephemeral messages, each numbered so a page can tell which it already has. Emits 'update' with a
 * view of each change, for the live stream.
 */
import { EventEmitter } from 'node:events';
import { appNameOf } from '../stand-ins/alert-sender.ts';
import type { FakeSlack, StoredMessage } from '../stand-ins/fake-slack.ts';

export interface MessageView {
  channel: string;
  ts: string;
  threadTs?: string;
  user?: string;
  bot: boolean;
  /** Another app's message: that app's name. */
  app?: string;
  text: string;
  blocks?: unknown[];
  edited: boolean;
  /** When it was first posted (ms), for ordering with ephemerals. */
  at: number;
  /** Reactions on it (the bot's hourglass on a queued follow-up), as Slack shows them under a message. */
  reactions: Array<{ name: string; count: number }>;
  /** Files shared with it (the long answer's answer.md, report files), with their text. */
  files: Array<{ id: string; name: string; title: string; size: number; content: string }>;
  /**
   * A natively streamed message (STREAM_MODE=native): its task updates (the agent's steps: each
   * command, its outcome and duration), while it is written and after, as Slack keeps them.
   */
  tasks?: Array<{ title: string; status: string; output?: string }>;
  /** A native stream still open: Slack shows its own stop control on it. */
  streaming?: boolean;
}

export interface EphemeralView {
  id: number;
  channel: string;
  user?: string;
  threadTs?: string;
  text: string;
  blocks?: unknown[];
  at: number;
}

/** A thread's agent session as Slack shows it: status, title, and its stop while processing. */
export interface SessionView {
  channel: string;
  threadTs: string;
  status: string;
  title?: string;
  /** Slack's stop button works (the app is subscribed to agent_session_stopped). */
  stoppable: boolean;
}

/** A person's Home tab as the app last published it. */
export interface HomeTabView {
  user: string;
  viewId: string;
  blocks: unknown[];
}

export type Update =
  | { kind: 'message'; message: MessageView }
  | { kind: 'ephemeral'; ephemeral: EphemeralView }
  | { kind: 'session'; session: SessionView }
  | { kind: 'home'; home: HomeTabView };

interface SlackChange {
  kind: 'message' | 'edit' | 'ephemeral' | 'agent_session' | 'home';
  channel?: string;
  ts?: string;
  user?: string;
  /** agent_session: `<channel>|<thread_ts>`; home: the user. */
  key?: string;
}

export class Timeline extends EventEmitter {
  private readonly ephemerals: EphemeralView[] = [];
  private readonly onChange = (c: SlackChange) => this.changed(c);

  constructor(private readonly slack: FakeSlack) {
    super();
    slack.on('change', this.onChange);
  }

  close(): void {
    this.slack.off('change', this.onChange);
  }

  messages(): MessageView[] {
    return this.slack.messages.map(view);
  }

  sessions(): SessionView[] {
    return [...this.slack.agents.sessions.values()].map((x) => this.session(x.channel, x.threadTs)!);
  }

  /** The person's Home tab, once the app has published one. */
  homeFor(user: string): HomeTabView | undefined {
    const h = this.slack.agents.homes.get(user);
    return h ? { user, viewId: h.id, blocks: h.blocks } : undefined;
  }

  private session(channel: string, threadTs: string): SessionView | undefined {
    const s = this.slack.agents.session(channel, threadTs);
    if (!s) return undefined;
    return {
      channel,
      threadTs,
      status: s.status,
      ...(s.title ? { title: s.title } : {}),
      stoppable: this.slack.subscribed('agent_session_stopped'),
    };
  }

  /** Ephemeral messages are shown only to the person they were sent to. */
  ephemeralsFor(user: string): EphemeralView[] {
    return this.ephemerals.filter((e) => e.user === user);
  }

  /** An ephemeral the page makes itself (e.g. "not a command"), kept like the bot's. */
  addEphemeral(e: Omit<EphemeralView, 'id' | 'at'>): void {
    const item = { ...e, id: this.ephemerals.length + 1, at: Date.now() };
    this.ephemerals.push(item);
    this.emit('update', { kind: 'ephemeral', ephemeral: item } satisfies Update);
  }

  private changed(c: SlackChange): void {
    if (c.kind === 'agent_session') {
      // Suggested prompts change the same surface with a channel alone: nothing to show for them.
      const [channel, threadTs] = (c.key ?? '').split('|');
      const session = channel && threadTs ? this.session(channel, threadTs) : undefined;
      if (session) this.emit('update', { kind: 'session', session } satisfies Update);
      return;
    }
    if (c.kind === 'home') {
      const home = this.homeFor(c.key ?? '');
      if (home) this.emit('update', { kind: 'home', home } satisfies Update);
      return;
    }
    if (c.kind === 'ephemeral') {
      // FakeSlack emits right after the push, so the newest entry is the one that changed.
      const e = this.slack.ephemerals.at(-1);
      if (e)
        this.addEphemeral({
          channel: e.channel,
          user: e.user,
          threadTs: e.threadTs,
          text: e.text,
          blocks: e.blocks,
        });
      return;
    }
    const m = c.ts && c.channel ? this.slack.message(c.channel, c.ts) : undefined;
    if (m) this.emit('update', { kind: 'message', message: view(m) } satisfies Update);
  }
}

/** What the page shows of a file: enough to read it in place, not a whole log. */
const FILE_PREVIEW_CHARS = 200_000;

function view(m: StoredMessage): MessageView {
  return {
    channel: m.channel,
    ts: m.ts,
    threadTs: m.threadTs,
    user: m.user,
    // Another app's message (a simulated alarm) shows its own name, not the bot's.
    bot: Boolean(m.botId) && !appNameOf(m),
    ...(appNameOf(m) ? { app: appNameOf(m) } : {}),
    text: m.text,
    blocks: m.blocks,
    edited: m.versions.length > 1,
    at: m.versions[0]?.at ?? Date.now(),
    reactions: [...(m.reactions ?? [])].map((name) => ({ name, count: 1 })),
    files: (m.files ?? []).map((f) => ({
      id: f.id,
      name: f.name,
      title: f.title,
      size: Buffer.byteLength(f.content),
      content: f.content.slice(0, FILE_PREVIEW_CHARS),
    })),
    ...(m.stream?.tasks.size ? { tasks: [...m.stream.tasks.values()] } : {}),
    ...(m.stream?.state === 'streaming' ? { streaming: true } : {}),
  };
}
