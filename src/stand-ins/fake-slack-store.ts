/**
 * What the fake Slack workspace holds: its identity (team, bot, tokens, scopes), channels, users and
 * user groups, the messages, ephemerals and uploads the bot made, and every Web API call. Tests read
 * it back through the queries at the end. Split from fake-slack.ts so that file keeps only the wiring
 * and the person's side; FakeSlack extends this class, so the fields and queries stay on FakeSlack.
 *
 * Emits 'change' with { kind: 'message' | 'edit' | 'ephemeral' | 'agent_session' | 'home', … }
 * whenever what a person would see changes, so a UI (the local sandbox) can follow along live.
 */
import { EventEmitter } from 'node:events';
import { ObservedList } from './fake-slack-http.ts';
import type {
  ApiCall,
  Channel,
  Ephemeral,
  EphemeralPost,
  FakeSlackOptions,
  FakeUser,
  StoredMessage,
} from './fake-slack-types.ts';

/** The scopes a bot token gets when a test names none: what the bot's manifest asks for. */
const DEFAULT_SCOPES = [
  'commands',
  'chat:write',
  'app_mentions:read',
  'channels:history',
  'groups:history',
  'channels:join',
  'usergroups:read',
  'reactions:write',
  'files:write',
  'users:read',
];

export class SlackStore extends EventEmitter {
  readonly teamId: string;
  readonly botToken: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appToken: string;
  readonly calls: ApiCall[] = [];
  readonly messages: StoredMessage[] = [];
  readonly ephemerals: Ephemeral[] = new ObservedList<Ephemeral>((e) =>
    this.emit('change', { kind: 'ephemeral', channel: e.channel, user: e.user }),
  );
  readonly channels = new Map<string, Channel>();
  readonly users = new Map<string, FakeUser>();
  /** User groups (id → member ids), answered by usergroups.users.list. */
  readonly userGroups = new Map<string, string[]>();
  readonly scopes: Set<string>;
  /**
   * How long after files.completeUploadExternal the message sharing the files appears. Slack shares
   * them asynchronously (its SDK maintainers: the share, and so the message, "can be delayed"; poll
   * files.info or the conversation), so a test may set a delay; 0: at once.
   */
  fileShareDelayMs = 0;
  /** Files from getUploadURLExternal on (completed ones stay: completing again shares again). */
  readonly uploads = new Map<
    string,
    { name: string; length: number; content?: string; completed?: boolean }
  >();
  private tsCounter = 0;
  private fileCounter = 0;

  constructor(readonly options: FakeSlackOptions = {}) {
    super();
    this.teamId = options.teamId ?? 'T0FAKE01';
    this.botToken = options.botToken ?? 'xoxb-fake-bot-token';
    this.botUserId = options.botUserId ?? 'U0BOT0001';
    this.botId = options.botId ?? 'B0BOT0001';
    this.appToken = options.appToken ?? 'xapp-fake-app-token-A0FAKEAPP';
    this.scopes = new Set(options.scopes ?? DEFAULT_SCOPES);
    this.addChannel({ id: 'C0GENERAL', name: 'general', isPrivate: false, members: [this.botUserId] });
  }

  /** A channel; ids starting with D are DMs, `kind: 'mpim'` a group DM. */
  addChannel(c: {
    id: string;
    name: string;
    isPrivate?: boolean;
    kind?: Channel['kind'];
    members?: string[];
    sharedFrom?: string;
  }): void {
    const kind = c.kind ?? (c.id.startsWith('D') ? 'im' : 'channel');
    this.channels.set(c.id, {
      id: c.id,
      name: c.name,
      isPrivate: c.isPrivate ?? kind !== 'channel',
      kind,
      members: new Set(c.members ?? []),
      ...(c.sharedFrom ? { sharedFrom: c.sharedFrom } : {}),
    });
  }

  addUser(u: FakeUser): void {
    this.users.set(u.id, u);
  }

  /** The app's DM with a person, opened on first use as Slack does for a post to a user id. */
  imWith(user: string): string | undefined {
    if (!this.users.has(user)) return undefined;
    for (const c of this.channels.values())
      if (c.kind === 'im' && c.members.has(user) && c.members.has(this.botUserId)) return c.id;
    const id = `D${user.slice(1)}`;
    this.addChannel({ id, name: `dm-${this.users.get(user)!.name}`, members: [user, this.botUserId] });
    return id;
  }

  store(m: Omit<StoredMessage, 'versions'>): StoredMessage {
    const msg: StoredMessage = { ...m, versions: [{ text: m.text, blocks: m.blocks, at: Date.now() }] };
    this.messages.push(msg);
    this.emit('change', { kind: 'message', channel: msg.channel, ts: msg.ts });
    return msg;
  }

  changed(kind: 'message' | 'edit', channel: string, ts: string): void {
    this.emit('change', { kind, channel, ts });
  }

  changedSurface(kind: 'agent_session' | 'home', key: string): void {
    this.emit('change', { kind, key });
  }

  pushEphemeral(e: EphemeralPost): void {
    this.ephemerals.push({ ...e, via: 'chat.postEphemeral' });
  }

  newFileId(): string {
    return `F0FAKE${String(++this.fileCounter).padStart(4, '0')}`;
  }

  /** Message timestamps as Slack makes them: the second, then a counter that keeps them unique and ordered. */
  nextTs(): string {
    this.tsCounter++;
    const secs = Math.floor(Date.now() / 1000);
    return `${secs}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  // ---- queries for tests -------------------------------------------------------------------

  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  /** Top-level messages in a channel, oldest first. */
  rootMessages(channel: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel && !m.threadTs);
  }

  /** Replies in a thread, oldest first (the root excluded). */
  replies(channel: string, threadTs: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel && m.threadTs === threadTs && m.ts !== threadTs);
  }

  async waitFor<T>(fn: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = fn();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
