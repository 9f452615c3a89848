/**
 * The agent's inline calls (functions the bot runs itself): the approval tool goes to the gate, which
 * may pause the session for a human decision, but only when this turn was granted it; anything else
 * is answered at once with an error the agent can read.
 * (Split out of turns.ts: answering inline calls is separate from scheduling turns.)
 */
import type { ApprovalGate } from './approval-gate.ts';
import { APPROVAL_TOOL } from './approval-types.ts';
import type { PendingToolCall } from './events.ts';
import type { TurnGrant } from './grants.ts';
import type { SessionRecord, ToolResultInput } from './ports.ts';

/** Answers the agent's inline calls: the approval gate may pause the session; anything else is answered now. */
export async function answerInlineCalls(
  gate: ApprovalGate | undefined,
  session: SessionRecord,
  outcome: { pending: PendingToolCall[]; assistantMessage: unknown },
  grant: TurnGrant & { allowed: true },
  user: string,
  pause: (approvalId: string) => Promise<void>,
): Promise<
  | { kind: 'await'; approvalId: string }
  | {
      kind: 'results';
      results: ToolResultInput[];
      pausedFor?: string;
      /** The gate's answer to the approval request, when there was one (not to a duplicate). */
      approvalDecision?: string;
    }
> {
  const results: ToolResultInput[] = [];
  let awaitingId: string | undefined;
  let pausedFor: string | undefined;
  let approvalDecision: string | undefined;
  for (const call of outcome.pending) {
    if (call.name === APPROVAL_TOOL && gate && grant.approvals && !awaitingId) {
      const r = await gate.request(
        session,
        call,
        outcome.assistantMessage,
        user,
        session.commandTemplateId,
        pause,
      );
      if (r.kind === 'await') awaitingId = r.approvalId;
      else {
        results.push({ toolUseId: call.toolUseId, result: r.result });
        pausedFor ??= r.paused;
        if (typeof r.result.decision === 'string') approvalDecision ??= r.result.decision;
      }
    } else {
      const reason =
        call.name === APPROVAL_TOOL && grant.approvals
          ? 'Only one experiment approval can be requested at a time.'
          : `The tool ${call.name} is not available in this conversation.`;
      results.push({ toolUseId: call.toolUseId, result: { decision: 'error', reason } });
    }
  }
  if (awaitingId) {
    if (results.length > 0) await gate!.attachSiblingResults(awaitingId, results);
    return { kind: 'await', approvalId: awaitingId };
  }
  return { kind: 'results', results, pausedFor, ...(approvalDecision ? { approvalDecision } : {}) };
}
