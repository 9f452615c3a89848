/**
 * What a harness emulator script is made of (steps, replies, scenarios) and what it records about
 * each invocation.
 */
import type { ConversationMessage } from './harness-sessions.ts';
import type { HarnessRequestBody } from './harness-validate.ts';
import type { HttpError } from './harness-wire.ts';

export type Step =
  /** An event of the InvokeHarnessStreamOutput union, e.g. { event: 'messageStop', data: { stopReason: 'end_turn' } }. */
  | { event: string; data: unknown }
  /** A modeled in-stream exception frame (internalServerException, validationException, runtimeClientError). */
  | { exception: string; data: { message: string; [k: string]: unknown } }
  /** An unmodeled error frame. */
  | { error: string; message: string }
  | { delayMs: number }
  /** Drop the TCP connection without finishing the stream (the agent's loop goes on). */
  | { cut: true }
  /** Write half a frame, then end the response. */
  | { truncate: true }
  /** The agent is busy and silent (a long tool run) until its session is stopped. */
  | { hang: true }
  /** The agent writes a file in the session's filesystem (readable with InvokeAgentRuntimeCommand). */
  | { writeFile: { path: string; content: string } };

/** What an invocation answers: an HTTP error before the stream, or a stream script. */
export type Reply = HttpError | { steps: Step[] };

export interface Invocation {
  id: string;
  harnessArn: string;
  qualifier: string | undefined;
  sessionId: string;
  userId: string | undefined;
  authorization: string | undefined;
  body: HarnessRequestBody;
  /** What the agent remembered when this call arrived: its microVM's conversation so far. */
  history: ConversationMessage[];
  /** Which microVM of this session id served the call (1 = the first; more after a recycle or stop). */
  microVm: number;
  startedAt: number;
  /** When the HTTP response ended. */
  endedAt?: number;
  /** When the agent's loop ended (it can outlive the response). */
  agentEndedAt?: number;
  status: number;
  /** True when the client disconnected before the script finished. */
  clientAborted?: boolean;
  /** True when StopRuntimeSession ended this invocation's loop. */
  stoppedBySession?: boolean;
}

export type Scenario = (inv: Invocation) => Reply;
