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
  /** Slack user who asked; passed as runtimeUserId. */
  userId: string;
  /** A new user turn… */
  prompt?: string;
  /** …or the resumption of a paused turn: the paused assistant message and the results of its inline calls. */
  resume?: { assistantMessage: unknown; toolResults: ToolResultInput[] };
  skillPaths: string[];
  /** Inline functions offered on this invocation (never user-controlled). */
  inlineTools?: InlineTool[];
}

export interface HarnessPort {
  /** Streams one agent turn. Never throws: failures end the stream with a `failed` event. */
  invoke(invocation: HarnessInvocation, signal?: AbortSignal): AsyncIterable<AgentEvent>;
}

export interface ThreadKey {
  teamId: string;
  channel: string;
  threadTs: string;
}

export type SessionStatus = 'idle' | 'running' | 'awaiting_approval';

export interface SessionRecord extends ThreadKey {
  runtimeSessionId: string;
  routeId: string;
  skill: string;
  /** Every skill path this thread's turns may load. */
  skillPaths: string[];
  requester: string;
  status: SessionStatus;
  /** While running: when the run's claim lapses if its owner dies without releasing it. */
  leaseExpiresAt?: number;
  /** While awaiting_approval: the approval the paused turn waits for. */
  pendingApprovalId?: string;
  /** The template id a `/fis run` command named. */
  commandTemplateId?: string;
  turns: number;
  createdAt: number;
  updatedAt: number;
}

export interface SessionStore {
  /** Creates the thread's session; false if one already exists. */
  create(record: SessionRecord): Promise<boolean>;
  get(key: ThreadKey): Promise<SessionRecord | undefined>;
  /** Marks the session running if it is idle (or its lease lapsed); false if another run holds it. */
  claim(key: ThreadKey, leaseMs: number): Promise<boolean>;
  /** Ends a turn: idle again, or paused waiting for an approval. Counts the finished turn. */
  release(key: ThreadKey, awaitingApprovalId?: string): Promise<void>;
  /** Resumes a paused session for the given approval (awaiting_approval → running); false otherwise. */
  claimAwaiting(key: ThreadKey, approvalId: string, leaseMs: number): Promise<boolean>;
  /** Records that an idempotency key was seen; false if it was already recorded. */
  remember(key: string, ttlSeconds: number): Promise<boolean>;
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

export interface SlackWriter {
  /** Posts a message (a thread reply when threadTs is set) and returns its ts. */
  post(channel: string, message: SlackMessage, threadTs?: string): Promise<string>;
  update(channel: string, ts: string, message: SlackMessage): Promise<void>;
  /** Adds the bot to a public channel. */
  join(channel: string): Promise<void>;
}
