/**
 * AgentSessionPort over Slack's agents.sessions.setStatus (docs.slack.dev/ai/agent-sessions).
 *
 * Best effort by design: a thread works without it. Where the workspace or app cannot have agent
 * sessions (an older workspace: `unknown_method`; an app not declared as an agent: `missing_scope`
 * for assistant:write), the feature is switched off for that workspace after the first refusal and
 * the bot keeps its own Stop button, exactly as before. A refusal for one thread (a channel the bot
 * left, a deleted root) is logged and changes nothing else.
 *
 * Slack's own stop button works only while the app is subscribed to `agent_session_stopped`;
 * otherwise setStatus succeeds with the warning `missing_agent_session_stopped_event_subscription`
 * and people see a spinner they cannot click. Then the bot's own Stop button stays.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../core/logger.ts';
import type { AgentSessionPort, AgentSessionStatus, ThreadKey } from '../core/ports.ts';
import { toSlack } from '../core/slack-escape.ts';
import { toWriteError } from './slack-writer.ts';

/** Errors that mean "this workspace or app has no agent sessions", not "this thread failed". */
const UNAVAILABLE = new Set([
  'unknown_method',
  'missing_scope',
  'not_allowed_token_type',
  'method_deprecated',
  'feature_not_enabled',
  'not_authorized',
]);

export const STOP_NOT_SUBSCRIBED = 'missing_agent_session_stopped_event_subscription';

export class SlackAgentSessions implements AgentSessionPort {
  /** Workspaces where agent sessions are unavailable (first refusal's code). */
  private readonly off = new Map<string, string>();
  private warned = false;
  private scopes: Promise<void> | undefined;

  constructor(
    private readonly client: WebClient,
    private readonly log: Logger,
  ) {}

  /**
   * The client hands a 429 straight back (rejectRateLimitedCalls), so one busy method never pauses
   * the bot's other Slack calls; the status is retried here after Slack's Retry-After, a few times,
   * because a session left on "processing" would show a spinner for nothing.
   */
  private async withRetryAfter<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        const e = toWriteError(err);
        if (e.code !== 'ratelimited' || attempt >= 3) throw err;
        await new Promise((r) => setTimeout(r, Math.min(30, e.retryAfterSeconds ?? 1) * 1000));
      }
    }
  }

  private async checkScopes(): Promise<void> {
    try {
      const res = await this.client.auth.test();
      const granted = res.response_metadata?.scopes;
      if (res.team_id && granted && !granted.includes('assistant:write')) {
        this.off.set(res.team_id, 'no assistant:write');
        this.log.info(
          { team: res.team_id },
          'Slack agent sessions are off: the app is not declared as an agent (no assistant:write; see manifest.yml agent_view); threads use the bot’s own Stop button',
        );
      }
    } catch (err) {
      // Unknown: the first setStatus finds out.
      this.log.debug({ err }, 'could not read the token’s scopes');
    }
  }

  /** Why a workspace has no agent sessions, if it has none (for logs and tests). */
  unavailable(teamId: string): string | undefined {
    return this.off.get(teamId);
  }

  async setStatus(
    key: ThreadKey,
    status: AgentSessionStatus,
    create?: { title?: string; initiator?: string },
  ): Promise<{ nativeStop: boolean }> {
    // Slack names the token's scopes on every answer: without assistant:write the app is not an
    // agent, so no call is made that would only be refused.
    this.scopes ??= this.checkScopes();
    await this.scopes;
    if (this.off.has(key.teamId)) return { nativeStop: false };
    const title = create?.title ? toSlack(create.title).slice(0, 200) : undefined;
    const call = (initiator: string | undefined) =>
      this.withRetryAfter(() =>
        this.client.agents.sessions.setStatus({
          channel_id: key.channel,
          thread_ts: key.threadTs,
          status,
          ...(title ? { title } : {}),
          ...(initiator ? { initiator_user_id: initiator } : {}),
        }),
      );
    try {
      const res = await call(create?.initiator).catch((err) => {
        // Slack takes an initiator only from the channel's members (an alert's run may have none who
        // is): the session is worth more than naming who started it, and the initiator is optional.
        const code = toWriteError(err).code;
        if (!create?.initiator || UNAVAILABLE.has(code) || code === 'ratelimited') throw err;
        this.log.info({ code, ...key }, 'agent session created without its initiator');
        return call(undefined);
      });
      const warnings = String(res.warning ?? '').split(',');
      if (warnings.includes(STOP_NOT_SUBSCRIBED)) {
        if (!this.warned)
          this.log.warn(
            { warning: STOP_NOT_SUBSCRIBED },
            'Slack shows no working stop button on agent sessions: subscribe the app to the agent_session_stopped event (manifest.yml). The bot keeps its own Stop button meanwhile.',
          );
        this.warned = true;
        return { nativeStop: false };
      }
      return { nativeStop: status === 'processing' };
    } catch (err) {
      const e = toWriteError(err);
      if (UNAVAILABLE.has(e.code)) {
        this.off.set(key.teamId, e.code);
        this.log.warn(
          { code: e.code, team: key.teamId },
          'Slack agent sessions are not available for this workspace (declare the app as an agent under Agents & AI Apps and reinstall it); threads work without them',
        );
      } else {
        this.log.warn({ code: e.code, ...key, status }, 'could not set the agent session status');
      }
      return { nativeStop: false };
    }
  }
}
