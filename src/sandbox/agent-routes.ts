/**
 * The sandbox page's hand on Slack's agent surfaces: pressing the stop button of a thread's agent
 * session, opening the app's Home tab, and clicking a button on it. Each is what Slack's client does
 * (the fake sends agent_session_stopped, app_home_opened, a block_actions payload from the view).
 * (Split out of web-server.ts: the agent surfaces' routes, apart from messages and commands.)
 */
import type { FakeSlack } from '../stand-ins/fake-slack.ts';
import type { Timeline } from './timeline.ts';

export type AgentRouteAnswer = { status: number; body: Record<string, unknown> };

/** The answer to one of the agent routes, or undefined when the path is not one of them. */
export async function agentRoute(
  path: string,
  body: Record<string, string | undefined>,
  where: { user: string; channel: string },
  deps: { slack: FakeSlack; timeline: Timeline },
): Promise<AgentRouteAnswer | undefined> {
  const { user, channel } = where;
  switch (path) {
    case '/api/agent-stop': {
      // Slack's own stop on the thread's agent session (shown while it is processing).
      try {
        const sent = await deps.slack.agents.pressStop(channel, String(body.threadTs ?? ''), user);
        return { status: 200, body: { ok: sent } };
      } catch {
        return { status: 409, body: { ok: false, error: 'not_processing' } };
      }
    }
    case '/api/home-open': {
      const sent = await deps.slack.agents.openHome(user);
      return { status: 200, body: { ok: sent, home: deps.timeline.homeFor(user) } };
    }
    case '/api/home-click': {
      if (!deps.timeline.homeFor(user)) return { status: 404, body: { ok: false, error: 'no_home_tab' } };
      const r = await deps.slack.clickHomeButton({
        user,
        actionId: String(body.actionId ?? ''),
        value: String(body.value ?? ''),
      });
      return { status: 200, body: { ok: r.status === 200, status: r.status } };
    }
    default:
      return undefined;
  }
}
