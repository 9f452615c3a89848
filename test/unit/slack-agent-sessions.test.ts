import type { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { SlackAgentSessions } from '../../src/adapters/slack-agent-sessions.ts';
import { createLogger } from '../../src/log.ts';

const key = { teamId: 'T1', channel: 'C1', threadTs: '1.1' };
const log = createLogger('silent');

function client(opts: { scopes?: string[]; answer: () => Promise<Record<string, unknown>> }) {
  const calls: Array<Record<string, unknown>> = [];
  const c = {
    auth: {
      test: async () => ({
        ok: true,
        team_id: 'T1',
        response_metadata: opts.scopes ? { scopes: opts.scopes } : {},
      }),
    },
    agents: {
      sessions: {
        setStatus: async (args: Record<string, unknown>) => {
          calls.push(args);
          return opts.answer();
        },
      },
    },
  };
  return { c: c as unknown as WebClient, calls };
}

const platformError = (error: string) =>
  Object.assign(new Error(error), { code: 'slack_webapi_platform_error', data: { ok: false, error } });

describe('SlackAgentSessions (degrading to the bot’s own Stop)', () => {
  it('a token without assistant:write: never calls Slack', async () => {
    const { c, calls } = client({ scopes: ['chat:write'], answer: async () => ({ ok: true }) });
    const s = new SlackAgentSessions(c, log);
    expect(await s.setStatus(key, 'processing')).toEqual({ nativeStop: false });
    expect(calls).toHaveLength(0);
  });

  it('scopes unknown: the first refusal that means "no agent sessions here" switches them off for the workspace', async () => {
    const { c, calls } = client({
      answer: async () => {
        throw platformError('unknown_method');
      },
    });
    const s = new SlackAgentSessions(c, log);
    expect(await s.setStatus(key, 'processing', { title: 'x' })).toEqual({ nativeStop: false });
    expect(await s.setStatus(key, 'active')).toEqual({ nativeStop: false });
    expect(calls).toHaveLength(1);
    expect(s.unavailable('T1')).toBe('unknown_method');
  });

  it('a refusal for one thread changes nothing else', async () => {
    let n = 0;
    const { c, calls } = client({
      scopes: ['chat:write', 'assistant:write'],
      answer: async () => {
        if (n++ === 0) throw platformError('thread_not_found');
        return { ok: true, status: 'processing' };
      },
    });
    const s = new SlackAgentSessions(c, log);
    expect(await s.setStatus(key, 'processing')).toEqual({ nativeStop: false });
    expect(await s.setStatus(key, 'processing')).toEqual({ nativeStop: true });
    expect(calls).toHaveLength(2);
  });

  it('the not-subscribed warning: Slack’s spinner cannot stop anything, so the bot keeps its Stop button', async () => {
    const { c } = client({
      scopes: ['assistant:write'],
      answer: async () => ({ ok: true, warning: 'missing_agent_session_stopped_event_subscription' }),
    });
    expect(await new SlackAgentSessions(c, log).setStatus(key, 'processing')).toEqual({ nativeStop: false });
  });

  it('titles are escaped and capped at Slack’s 200 characters', async () => {
    const { c, calls } = client({ scopes: ['assistant:write'], answer: async () => ({ ok: true }) });
    await new SlackAgentSessions(c, log).setStatus(key, 'processing', {
      title: `<!here> ${'x'.repeat(300)}`,
      initiator: 'U1',
    });
    expect(String(calls[0]!.title)).not.toContain('<!here>');
    expect(String(calls[0]!.title).length).toBeLessThanOrEqual(200);
    expect(calls[0]!.initiator_user_id).toBe('U1');
  });
});

describe('SlackAgentSessions: a session whose initiator Slack will not take', () => {
  it('is created without the initiator (optional for Slack) instead of not at all', async () => {
    const { c, calls } = client({
      scopes: ['chat:write', 'assistant:write'],
      answer: async () => {
        if (calls.length === 1) throw platformError('user_not_in_channel');
        return { ok: true, status: 'processing' };
      },
    });
    const s = new SlackAgentSessions(c, log);
    expect(await s.setStatus(key, 'processing', { title: 'T', initiator: 'U9' })).toEqual({
      nativeStop: true,
    });
    expect(calls.map((x) => x.initiator_user_id)).toEqual(['U9', undefined]);
    expect(calls[1]!.title).toBe('T');
  });
});
