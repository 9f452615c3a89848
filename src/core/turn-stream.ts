/**
 * One harness invocation consumed into a reply: text, tool activity, usage and the way it ended,
 * plus what a run looks like when it was aborted (Stop, shutdown, lost claim).
 * (Split out of turns.ts: reading the agent's event stream is separate from scheduling turns.)
 */
import type { AgentEvent, FailureCode, PendingToolCall, Usage } from './events.ts';
import {
  type Explanation,
  explainFailure,
  explainStopReason,
  type HookDenial,
  hookDenialLine,
} from './explain.ts';
import type { AbortReason, RunLease } from './lease.ts';
import type { Logger } from './logger.ts';
import type { HarnessInvocation, HarnessPort } from './ports.ts';
import type { FinalState, ReplyStream } from './reply-stream.ts';
import { mention } from './slack-escape.ts';
import { startQueueNote } from './start-queue-note.ts';
import { describeTool } from './tool-label.ts';

/** A run in flight in this process, so Stop and shutdown can reach it. */
export interface LocalRun {
  abort: AbortController;
  reason?: AbortReason;
  /** The run's hold on its claim (the replica's heartbeat), paused while the session waits for an approval. */
  lease?: RunLease;
}

export interface Consumed {
  final: FinalState;
  completed?: { stopReason: string; pending: PendingToolCall[]; assistantMessage: unknown };
  sessionGone?: boolean;
  /** Why the stream failed (metrics count failures by kind). */
  failure?: FailureCode;
  /** The bot stopped listening while the agent may still be working in its session. */
  agentMayStillRun?: boolean;
  /** The harness answered with a stream (a refusal before the stream started no session). */
  streamed: boolean;
}

/**
 * Failures after which the agent's loop may go on in its session: AgentCore keeps an agent working
 * whether or not anyone reads its stream (session activity follows the agent, not the connection).
 */
const STILL_RUNNING = new Set(['idle_timeout', 'run_timeout', 'stream_cut', 'incomplete', 'unknown']);

/** Events from before the harness answered with a stream (the start waiting or being refused). */
const NOT_STREAMED = new Set<AgentEvent['type']>(['queued', 'admitted', 'retrying', 'failed']);

export async function consumeTurn(
  harness: HarnessPort,
  invocation: HarnessInvocation,
  reply: ReplyStream,
  local: LocalRun,
  log: Logger,
): Promise<Consumed> {
  let usage: Usage | undefined;
  let denied: HookDenial | undefined;
  let streamed = false;
  let queuedNote: string | undefined;
  for await (const ev of harness.invoke(invocation, local.abort.signal)) {
    if (!NOT_STREAMED.has(ev.type)) streamed = true;
    switch (ev.type) {
      case 'hook':
        if (ev.decision === 'deny') {
          denied = { name: ev.name, stage: ev.stage, reason: ev.reason, tool: ev.tool };
          // The tool's input is the agent's (it may hold anything): the log names the tool only.
          log.warn({ hook: { ...denied, tool: ev.tool?.name } }, 'a harness hook denied');
          // In the thread, where it happened: the agent's text goes on around it.
          reply.appendText(`\n\n${hookDenialLine(denied)}\n\n`);
        }
        break;
      case 'text':
        reply.appendText(ev.text);
        break;
      case 'tool_started':
        if (ev.kind !== 'inline') reply.toolStarted(ev.toolUseId, describeTool(ev));
        break;
      case 'tool_finished':
        reply.toolFinished(ev.toolUseId, ev.status === 'success');
        break;
      case 'usage':
        usage = ev.usage;
        break;
      case 'queued': {
        // Only a changed note is worth an edit (a long queue is told in steps).
        const note = startQueueNote(ev.ahead);
        if (note !== queuedNote) {
          queuedNote = note;
          reply.setNote(note);
        }
        break;
      }
      case 'admitted':
        queuedNote = undefined;
        reply.setNote(undefined);
        break;
      case 'retrying':
        reply.setNote(`${ev.reason}; retrying in ${Math.ceil(ev.delayMs / 1000)}s (attempt ${ev.attempt}).`);
        break;
      case 'completed': {
        reply.setNote(undefined);
        const notice: Explanation | undefined =
          ev.stopReason === 'tool_use' && ev.pending.length > 0
            ? undefined
            : explainStopReason(ev.stopReason, denied);
        if (notice) log.warn({ stopReason: ev.stopReason }, 'run ended early');
        return {
          final: { outcome: notice ? 'warning' : 'done', usage, notice },
          completed: ev,
          streamed: true,
        };
      }
      case 'failed': {
        reply.setNote(undefined);
        log.warn({ failure: ev.failure }, 'run failed');
        const gone =
          ev.failure.code === 'not_found' && /session/i.test(ev.failure.message) && reply.fullText === '';
        return {
          final: {
            outcome: ev.failure.code === 'aborted' ? 'stopped' : 'failed',
            usage,
            notice: explainFailure(ev.failure),
          },
          sessionGone: gone,
          failure: ev.failure.code,
          agentMayStillRun: STILL_RUNNING.has(ev.failure.code),
          streamed,
        };
      }
    }
  }
  return {
    final: {
      outcome: 'failed',
      usage,
      notice: explainFailure({ code: 'incomplete', message: 'The harness stream ended without a result.' }),
    },
    failure: 'incomplete',
    agentMayStillRun: true,
    streamed,
  };
}

export function abortRun(local: LocalRun, reason: AbortReason): void {
  if (local.reason) return;
  local.reason = reason;
  local.abort.abort();
}

export function resetLocal(local: LocalRun): LocalRun {
  local.reason = undefined;
  local.abort = new AbortController();
  return local;
}

export function abortedState(reason: AbortReason, usage: Usage | undefined): FinalState {
  switch (reason.kind) {
    case 'stop':
      return {
        outcome: 'stopped',
        usage,
        notice: {
          severity: 'warning',
          title: `Stopped by ${mention(reason.by)}.`,
          advice:
            'The agent’s session was ended; reply in this thread to continue (its context is restored from this thread).',
        },
      };
    case 'shutdown':
      return {
        outcome: 'stopped',
        usage,
        notice: {
          severity: 'warning',
          title: 'Interrupted: the bot was restarting.',
          advice: 'Use *Retry* below to run it again.',
        },
      };
    case 'lost':
      return {
        outcome: 'stopped',
        usage,
        notice: {
          severity: 'warning',
          title: 'Interrupted: this run lost its lock on the thread.',
          advice: 'Use *Retry* to run it again.',
        },
      };
  }
}
