/**
 * What to tell people in the thread when a run does not end normally: what happened and what to do.
 * Never a stack trace; the service's own message goes to the logs and, shortened, into a details line.
 */
import type { HarnessFailure, HookStage } from './events.ts';
import { describeTool, type ToolCallInfo } from './tool-label.ts';

/** A harness lifecycle hook that said no, as its hookEvent reported it. */
export interface HookDenial {
  name: string;
  stage?: HookStage;
  reason?: string;
  /** The tool call a before_tool_call hook refused, when known. */
  tool?: ToolCallInfo;
}

const STAGE: Record<HookStage, string> = {
  before_tool_call: 'before a tool call',
  after_tool_call: 'after a tool call',
  before_invocation: 'before the run',
  after_invocation: 'after the run',
};

/**
 * The line shown in the thread when a hook denies: which hook, what it refused, and its reason. The
 * tool input is the agent's and the reason may quote it, so both stay on one line (no Markdown block
 * can start), the input only inside a code span it cannot close; mentions and links are neutralized
 * for every string at the Slack writer.
 */
export function hookDenialLine(h: HookDenial): string {
  const hook = codeSpan(h.name);
  const what =
    h.stage === 'before_tool_call'
      ? `blocked a tool call${h.tool ? ` (${describeTool(h.tool)})` : ''} before it ran`
      : `denied${h.stage ? ` ${STAGE[h.stage]}` : ''}`;
  return `> :no_entry: The harness hook ${hook} ${what}: ${reasonText(h.reason)}.`;
}

/** Inline code its content cannot close. */
function codeSpan(s: string): string {
  return `\`${clip(s.replace(/`/g, 'ˋ'), 64)}\``;
}

/** A hook's reason on one line; its code spans kept only when they pair up (an odd backtick would open one). */
function reasonText(reason: string | undefined): string {
  if (!reason) return 'no reason given';
  const r = clip(reason, 300);
  return (r.match(/`/g)?.length ?? 0) % 2 === 0 ? r : r.replace(/`/g, 'ˋ');
}

export interface Explanation {
  severity: 'error' | 'warning';
  title: string;
  advice: string;
  details?: string;
}

export function explainFailure(f: HarnessFailure): Explanation {
  const details = f.message ? clip(f.message, 300) : undefined;
  const e = (title: string, advice: string): Explanation => ({ severity: 'error', title, advice, details });
  switch (f.code) {
    case 'access_denied':
      return e(
        'The bot is not allowed to call the AgentCore harness.',
        'An AWS admin should give the bot’s role `bedrock-agentcore:InvokeHarness` and `bedrock-agentcore:InvokeAgentRuntime` on this harness, then try again.',
      );
    case 'no_credentials':
      return e(
        'The bot found no AWS credentials, so it could not call the AgentCore harness.',
        'Give the bot AWS credentials: set a profile (`AWS_PROFILE`), sign in with SSO (`aws sso login`), or set the environment variables `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`; on AWS, attach a role to the task or instance. Then try again.',
      );
    case 'not_found':
      return e(
        'The AgentCore harness was not found.',
        'Check that `HARNESS_ARN` (and `HARNESS_QUALIFIER`, if set), or for a command on its own harness its entry in `HARNESS_ARNS`, name an existing, READY harness in that account and Region.',
      );
    case 'throttled':
      return e(
        'AgentCore is throttling requests right now, and retries did not get through.',
        'Wait a minute and send your message again. If it keeps happening, ask an admin to raise the harness invocation quota.',
      );
    case 'quota':
      return /session/i.test(f.message)
        ? e(
            'AgentCore’s limit on active agent sessions in this account and Region is reached.',
            'Every thread keeps its agent session active until it has been idle for the harness’s idle timeout, so the limit frees up as threads go quiet: try again in a few minutes. To avoid it, an admin can request a higher limit in Service Quotas (Amazon Bedrock AgentCore) or lower the harness’s idle timeout.',
          )
        : e(
            'An AgentCore service quota was reached.',
            'Try again in a few minutes. If it keeps happening, an admin can find the quota in the details below and request an increase in Service Quotas (Amazon Bedrock AgentCore).',
          );
    case 'validation':
      return e(
        'AgentCore rejected the request.',
        'This usually means a harness setting (model, skills, tools) does not match what the harness accepts. An admin can find the details in the bot’s logs.',
      );
    case 'runtime_client':
      return e(
        'The agent’s runtime failed while handling this request (RuntimeClientError).',
        'Try again. If it repeats, an admin should check the harness runtime’s logs in CloudWatch (log groups under `/aws/bedrock-agentcore/runtimes/`): the container, a skill or a tool failed there.',
      );
    case 'internal':
      return e('AgentCore had an internal error.', 'Try again in a moment.');
    case 'stream_cut':
      return e(
        'The connection to the agent was cut before it finished.',
        'Everything received so far is shown above. Reply in this thread to ask the agent to continue.',
      );
    case 'idle_timeout':
      return e(
        'The agent went silent for too long, so the bot stopped waiting.',
        'Everything received so far is shown above. Reply in this thread to ask the agent to continue, or ask an admin to raise `HARNESS_IDLE_TIMEOUT_SECONDS` if long silent steps are expected.',
      );
    case 'run_timeout':
      return e(
        'The run hit the bot’s maximum run time.',
        'Everything received so far is shown above. Reply in this thread to continue, or narrow the request.',
      );
    case 'incomplete':
      return e(
        'The agent’s answer ended without a proper finish.',
        'What arrived is shown above and may be incomplete. Reply in this thread to ask the agent to continue.',
      );
    case 'aborted':
      return {
        severity: 'warning',
        title: 'The run was stopped.',
        advice: 'Reply in this thread to continue.',
      };
    case 'network':
      return e(
        'The bot could not reach AgentCore.',
        'Check the bot’s network access to the AgentCore endpoint, then try again.',
      );
    default:
      return e(
        'The run failed unexpectedly.',
        'Try again. If it repeats, an admin can find the details in the bot’s logs.',
      );
  }
}

/** Stop reasons that end a turn early but normally: the answer so far stands, with a note. */
export function explainStopReason(reason: string, hook?: HookDenial): Explanation | undefined {
  const w = (title: string, advice: string): Explanation => ({ severity: 'warning', title, advice });
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return undefined;
    case 'max_iterations_exceeded':
      return w(
        'The agent reached its step limit before finishing.',
        'Reply “continue” in this thread to let it carry on from here.',
      );
    case 'timeout_exceeded':
      return w(
        'The agent reached its time limit before finishing.',
        'Reply “continue” in this thread to let it carry on.',
      );
    case 'max_tokens':
    case 'max_output_tokens_exceeded':
      return w(
        'The agent reached its output limit, so the answer may be cut short.',
        'Reply “continue” in this thread, or ask for a shorter answer.',
      );
    case 'model_context_window_exceeded':
      return w(
        'The conversation no longer fits in the model’s context.',
        'Start a new run with the slash command for a fresh session.',
      );
    case 'content_filtered':
      return w('The model’s content filter stopped the answer.', 'Rephrase the request and try again.');
    case 'malformed_model_output':
    case 'malformed_tool_use':
      return w(
        'The model produced output the agent could not use.',
        'Reply in this thread to ask it to try again.',
      );
    case 'hook_stopped':
      return hook
        ? w(
            `The harness hook ${codeSpan(hook.name)} stopped this run${hook.stage ? ` ${STAGE[hook.stage]}` : ''}: ${reasonText(hook.reason)}.`,
            'The hook enforces a policy set on the harness; ask its owner if you think it should allow this.',
          )
        : w(
            'A harness policy hook stopped this run.',
            'An admin can see which hook and why in the harness logs.',
          );
    case 'interrupted':
    case 'partial_turn':
      return w('The agent was interrupted before finishing.', 'Reply in this thread to ask it to continue.');
    case 'tool_use':
      return w(
        'The agent asked the bot to run a tool that is not available in this thread.',
        'Nothing was run on its behalf. Reply in this thread to ask it to continue without it.',
      );
    default:
      return w(`The agent stopped (${reason}).`, 'Reply in this thread if you want it to continue.');
  }
}

function clip(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}
