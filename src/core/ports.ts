/**
 * The small interfaces the core needs from the outside world. Adapters in src/adapters implement
 * them over Slack, the AgentCore SDK and DynamoDB; tests implement them directly.
 */
import type { AgentEvent } from './events.ts';

/** A function the agent may call that the bot itself runs (an AgentCore inline function). */
export interface InlineTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface ToolResultInput {
  toolUseId: string;
  result: Record<string, unknown>;
}

export interface HarnessInvocation {
  runtimeSessionId: string;
  /** Slack user who asked (for the bot's own records; not sent to AgentCore, see the harness adapter). */
  userId: string;
  /** A new user turn… */
  prompt?: string;
  /** …or the resumption of a paused turn: the paused assistant message and the results of its inline calls. */
  resume?: { assistantMessage: unknown; toolResults: ToolResultInput[] };
  skillPaths: string[];
  /** Inline functions offered on this invocation (never user-controlled). */
  inlineTools?: InlineTool[];
  /** The harness of the thread (a HARNESSES id); undefined: the default harness. */
  harness?: string;
  /** The command's tool allow-list (registry); undefined: every tool of the harness. */
  allowedTools?: readonly string[];
}

export interface HarnessPort {
  /** Streams one agent turn. Never throws: failures end the stream with a `failed` event. */
  invoke(invocation: HarnessInvocation, signal?: AbortSignal): AsyncIterable<AgentEvent>;
  /** Ends the runtime session (its microVM) so the agent stops working; best effort. */
  stopSession(runtimeSessionId: string, harness?: string): Promise<void>;
}

export interface ThreadKey {
  teamId: string;
  channel: string;
  threadTs: string;
}

/** A Stop recorded on one of a replica's claims, as the replica's liveness record names it. */
export interface StopNotice {
  /** The notice itself, handed back to renewOwner once acted on. */
  id: string;
  key: ThreadKey;
}

export type SessionStatus = 'idle' | 'running' | 'awaiting_approval';

/** A follow-up that arrived while the agent was answering; it runs next. */
export interface QueuedTurn {
  user: string;
  text: string;
  /** The Slack message it came from (for the "queued" reaction). */
  ts: string;
}

/** One line of the compact turn log, used to rebuild context when a harness session expired. */
export interface TurnLogEntry {
  at: number;
  user: string;
  prompt: string;
  answer: string;
}

export interface SessionRecord extends ThreadKey {
  runtimeSessionId: string;
  /** Counts harness sessions used by this thread (a new one after expiry). */
  generation?: number;
  routeId: string;
  /** The harness the thread started on (a HARNESSES id; unset: the default); every turn goes there. */
  harness?: string;
  skill: string;
  /** Every skill path this thread's turns may load. */
  skillPaths: string[];
  requester: string;
  status: SessionStatus;
  /**
   * While running: the replica that owns the run, and when the claim's own lease lapses (set when
   * claimed, not renewed: after it, the claim lives as long as its owner's liveness record).
   */
  owner?: string;
  leaseExpiresAt?: number;
  /** While awaiting_approval: the approval the paused turn waits for. */
  pendingApprovalId?: string;
  /** The template id a `/fis run` command named. */
  commandTemplateId?: string;
  /** What was asked, for Slack's agent-session title and the App Home. */
  title?: string;
  queue?: QueuedTurn[];
  stopRequestedBy?: string;
  /** The reply of the turn in progress, and what it was asked (for Retry after an interruption). */
  replyTs?: string;
  lastPrompt?: string;
  lastUser?: string;
  interruptedAt?: number;
  /** The next turn starts a new harness session and must carry the thread's context. */
  rehydrate?: boolean;
  turns: number;
  createdAt: number;
  updatedAt: number;
}

export type EnqueueResult = 'queued' | 'idle' | 'full' | 'awaiting' | 'missing';

export interface SessionStore {
  /** Creates the thread's session; false if one already exists. */
  create(record: SessionRecord): Promise<boolean>;
  get(key: ThreadKey): Promise<SessionRecord | undefined>;
  /** idle → running, owned by `owner` for `leaseMs` unless renewed; false if not idle. */
  claim(key: ThreadKey, owner: string, leaseMs: number): Promise<boolean>;
  /**
   * Takes an interrupted thread back for one Retry: idle → running only while it is still the
   * interruption with this time (any later claim clears it), so each interruption is retried once.
   */
  claimRetry(key: ThreadKey, interruptedAt: number, owner: string, leaseMs: number): Promise<boolean>;
  /** awaiting_approval (for this approval) → running. */
  claimAwaiting(key: ThreadKey, approvalId: string, owner: string, leaseMs: number): Promise<boolean>;
  /**
   * The replica's heartbeat: keeps every claim naming `owner` alive for `leaseMs` more (one write,
   * however many runs the replica has). Returns the Stop notices left for this owner (requestStop)
   * that are still pending; `handled`: ids of notices this owner has acted on, taken out by this write.
   */
  renewOwner(owner: string, leaseMs: number, handled?: string[]): Promise<StopNotice[]>;
  /**
   * The records of these threads, in order (strongly consistent), for a replica to confirm that it
   * still holds these claims and whether they were asked to stop: undefined for a thread with no
   * record, null for one not read this time (DynamoDB's per-request limits; read again at the next
   * heartbeat).
   */
  readClaims(keys: ThreadKey[]): Promise<Array<SessionRecord | undefined | null>>;
  noteTurn(
    key: ThreadKey,
    owner: string,
    fields: { replyTs?: string; lastPrompt?: string; lastUser?: string; rehydrate?: boolean },
  ): Promise<void>;
  /** Queues a follow-up behind the running turn (bounded). */
  enqueue(key: ThreadKey, item: QueuedTurn, max: number): Promise<EnqueueResult>;
  /** Ends a turn: returns the next queued follow-up (claim kept), or releases (idle, or paused for an approval). */
  finish(
    key: ThreadKey,
    owner: string,
    leaseMs: number,
    awaitingApprovalId?: string,
  ): Promise<QueuedTurn | undefined>;
  /**
   * Asks the owner of a running turn to stop it (and leaves it a Stop notice that its next renewal
   * returns); false if nothing is running (or a stop was already asked).
   */
  requestStop(key: ThreadKey, user: string): Promise<boolean>;
  /**
   * Runs whose owner stopped renewing (the claim's own lease lapsed, and so has its owner's liveness
   * record, or it has none): marked idle and interrupted; returns those this caller took. Each is
   * taken only while its claim is exactly the one passed to `skip` (same owner and claim expiry).
   * `skip`: runs the caller knows are still alive (e.g. its own, waiting for the table to come back),
   * or has not yet seen lapsed for long enough; `ownerAliveUntil` is the owner's last renewal as read
   * now (undefined: no record), so a renewal since the last sweep can be told apart.
   * `orphaned`: claims the caller knows no run keeps alive, whatever their owner's record says (its
   * own claims with no run behind them, e.g. one whose release failed), taken once their own lease lapsed.
   * `sweep`: a replica's periodic sweep, by `self`, every half `leaseMs`: its own claims are judged by
   * `skip`/`orphaned` alone (`ownerAliveUntil` undefined; its liveness record is not read), and
   * partitions that can only hold claims of a previous version may be looked at less often while empty.
   */
  reapLapsed(
    now: number,
    skip?: (rec: SessionRecord, ownerAliveUntil: number | undefined) => boolean,
    orphaned?: (rec: SessionRecord) => boolean,
    sweep?: { self: string; leaseMs: number },
  ): Promise<SessionRecord[]>;
  /** Runs being worked on now, anyone's (at most `limit`, the latest claimed first). */
  listRunning(limit: number): Promise<SessionRecord[]>;
  /** Marks this owner's run interrupted (shutdown deadline). */
  interrupt(key: ThreadKey, owner: string): Promise<boolean>;
  /** Switches the thread to a new harness session (the old one expired). */
  rotate(key: ThreadKey, owner: string, runtimeSessionId: string): Promise<void>;
  appendTurn(key: ThreadKey, turn: TurnLogEntry): Promise<void>;
  recentTurns(key: ThreadKey, limit: number): Promise<TurnLogEntry[]>;
  /** Records that an idempotency key was seen; false if it was already recorded. */
  remember(key: string, ttlSeconds: number): Promise<boolean>;
  /** Throws when the table cannot be reached. */
  ping(): Promise<void>;
}

/** Slack's agent-session lifecycle for a thread (agents.sessions.setStatus). */
export type AgentSessionStatus = 'processing' | 'active' | 'suspended' | 'closed';

/**
 * A thread's agent session in Slack: its status, title and Slack's own stop button. Optional, and
 * best effort: where the workspace or app lacks the feature, the bot works as before.
 */
export interface AgentSessionPort {
  /**
   * Sets the status, creating the session with `create` (title, who started it) if it does not exist.
   * Resolves whether Slack now shows its own working stop button; never throws.
   */
  setStatus(
    key: ThreadKey,
    status: AgentSessionStatus,
    create?: { title?: string; initiator?: string },
  ): Promise<{ nativeStop: boolean }>;
}

/** A message as the bot wants it shown: Block Kit plus the plain-text fallback Slack requires. */
export interface SlackMessage {
  text: string;
  blocks: unknown[];
}

export class SlackWriteError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'SlackWriteError';
  }
}

/**
 * Whether a failed write may still have landed: Slack gave no answer (a timeout, a reset, a 5xx from
 * its edge), as opposed to a refusal it answered. The caller cannot tell which state Slack shows.
 * Read from the error's code, the same on the Web API client's errors and on SlackWriteError.
 */
export function writeMayHaveLanded(err: unknown): boolean {
  const code = (err as { code?: string } | undefined)?.code;
  return code === 'slack_webapi_request_error' || code === 'slack_webapi_http_error';
}

/** How a write should be scheduled (see slack-scheduler.ts). Writers that do not schedule ignore it. */
export interface WriteOptions {
  /** `critical`: root, roll-over, final and approval messages; `progress`: intermediate edits (best effort). */
  lane?: 'critical' | 'progress';
  /** The workspace whose budget the call draws on. */
  team?: string;
  /** The run the call belongs to: fairness between runs, and latest-state-wins for its progress edits. */
  runKey?: string;
  /** Renders the freshest content when the call is actually made; replaces `message` then. */
  latest?: () => SlackMessage;
  /** Progress calls: whether the call would show new agent text now (a scheduler serves those first). */
  hasNews?: () => boolean;
  /**
   * When the oldest agent text the call would show was written (undefined: none): a scheduler grants
   * the oldest unshown text first, whether the call is an intermediate or a final edit.
   */
  pendingSince?: () => number | undefined;
  /** Native streaming: renders the chunks to append when the call is actually made. */
  latestChunks?: () => StreamChunk[];
}

/** Native streaming (chat.startStream / appendStream / stopStream). */
export interface StreamChunkTask {
  type: 'task_update';
  id: string;
  title: string;
  status: 'pending' | 'in_progress' | 'complete' | 'error';
  /** Shown under the task when it ends (Slack: at most 256 characters), e.g. its duration. */
  output?: string;
}
export type StreamChunk = { type: 'markdown_text'; text: string } | StreamChunkTask;

export interface StreamStart {
  channel: string;
  threadTs: string;
  /** Required by Slack when streaming into a channel thread. */
  recipientUserId: string;
  recipientTeamId: string;
  chunks?: StreamChunk[];
}

/** A file to attach to a thread (files upload v2). */
export interface ThreadFile {
  filename: string;
  title: string;
  content: string;
}

export interface SlackWriter {
  /** Tells one person something only they see (chat.postEphemeral), in the thread when threadTs is set. */
  tellPrivately?(channel: string, user: string, text: string, threadTs?: string): Promise<void>;
  /** Adds / removes an emoji reaction on a message (e.g. "queued"). */
  react(channel: string, ts: string, name: string): Promise<void>;
  unreact(channel: string, ts: string, name: string): Promise<void>;
  /** Posts a message (a thread reply when threadTs is set) and returns its ts. */
  post(channel: string, message: SlackMessage, threadTs?: string, opts?: WriteOptions): Promise<string>;
  /** Resolves `false` when a scheduling writer dropped a progress edit unsent (superseded or cancelled). */
  update(channel: string, ts: string, message: SlackMessage, opts?: WriteOptions): Promise<unknown>;
  /** Adds the bot to a public channel. */
  join(channel: string): Promise<void>;
  /** Drops a run's waiting intermediate edits (scheduling writers only). */
  cancelProgress?(runKey: string): void;
  /** A run's first text arrived: an edit of its already waiting may now show it (scheduling writers only). */
  firstTextArrived?(runKey: string): void;
  /**
   * Scheduling writers only (they pace every call to Slack's budgets, latest state wins): how long a
   * critical call to `method` would wait for its budget if made now, in ms (0: at once).
   */
  budgetWaitMs?(method: string, team?: string, channel?: string): number;
  /** Native streaming; absent when the writer cannot stream. Returns the streamed message's ts. */
  startStream?(start: StreamStart, opts?: WriteOptions): Promise<string>;
  /** Resolves `false` when a scheduling writer dropped the call unsent (superseded or cancelled). */
  appendStream?(channel: string, ts: string, chunks: StreamChunk[], opts?: WriteOptions): Promise<unknown>;
  stopStream?(
    channel: string,
    ts: string,
    end: { chunks?: StreamChunk[]; blocks?: unknown[] },
    opts?: WriteOptions,
  ): Promise<void>;
  /**
   * Removes the live run controls (buttons whose value is `controlValue`, e.g. Stop) from the thread's
   * messages posted at or after `fromTs`, adding `note` to each; their content stays as Slack holds it.
   * Resolves with how many messages were changed. Absent when the writer cannot read messages.
   */
  retireControls?(
    channel: string,
    threadTs: string,
    fromTs: string,
    controlValue: string,
    note: string,
  ): Promise<number>;
  /** Uploads files into a thread (files upload v2); absent when the writer cannot upload. */
  uploadFiles?(channel: string, threadTs: string, files: ThreadFile[], comment?: string): Promise<void>;
}

/** Shell access to the agent's session (InvokeAgentRuntimeCommand), to read files the agent wrote. */
export interface SessionShell {
  /** Runs a command in the session; resolves with its stdout, stderr and exit code. */
  run(
    runtimeSessionId: string,
    command: string,
    timeoutSeconds?: number,
    /** The session's harness (a HARNESSES id); undefined: the default harness. */
    harness?: string,
  ): Promise<{ stdout: string; stderr: string; exitCode: number; status: string }>;
}
