/**
 * The bot's own view of a harness run. The harness adapter translates the AgentCore event stream
 * into these, so nothing outside src/adapters depends on SDK types.
 */

export type ToolKind = 'builtin' | 'mcp' | 'inline';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

/** A tool call the agent asked the bot itself to run (an inline function), waiting for its result. */
export interface PendingToolCall {
  toolUseId: string;
  name: string;
  input: unknown;
}

/** Where a harness lifecycle hook ran. */
export type HookStage = 'before_tool_call' | 'after_tool_call' | 'before_invocation' | 'after_invocation';

export type AgentEvent =
  | { type: 'text'; text: string }
  | { type: 'tool_started'; toolUseId: string; name: string; kind: ToolKind; server?: string; input: unknown }
  | { type: 'tool_finished'; toolUseId: string; status: 'success' | 'error' }
  | { type: 'usage'; usage: Usage }
  /**
   * A lifecycle hook configured on the harness ran; `decision` only for blocking (Lambda) hooks. For
   * before_tool_call, `tool` is the call it decided on, as the adapter infers it (the hookEvent names none).
   */
  | {
      type: 'hook';
      name: string;
      stage?: HookStage;
      decision?: 'allow' | 'deny';
      reason?: string;
      tool?: { toolUseId: string; name: string; kind: ToolKind; server?: string; input: unknown };
    }
  /** The harness asked us to wait and retry (throttling) before the stream started. */
  | { type: 'retrying'; attempt: number; delayMs: number; reason: string }
  /** The start waits its turn at the harness's admission rate: `ahead` runs go first. */
  | { type: 'queued'; ahead: number }
  /** The queued start was sent (follows `queued`). */
  | { type: 'admitted' }
  /** Terminal: the stream finished with a final messageStop. */
  | {
      type: 'completed';
      stopReason: string;
      pending: PendingToolCall[];
      /** The last assistant message as sent, for replaying it with tool results (inline functions). */
      assistantMessage: unknown;
    }
  /** Terminal: the run failed; no more events follow. */
  | { type: 'failed'; failure: HarnessFailure };

export type FailureCode =
  | 'access_denied'
  | 'no_credentials'
  | 'not_found'
  | 'throttled'
  | 'validation'
  | 'quota'
  | 'runtime_client'
  | 'internal'
  | 'stream_cut'
  | 'idle_timeout'
  | 'run_timeout'
  | 'incomplete'
  | 'aborted'
  | 'network'
  | 'unknown';

export interface HarnessFailure {
  code: FailureCode;
  /** The service's own message, for logs and for the "details" line. */
  message: string;
  requestId?: string;
}
