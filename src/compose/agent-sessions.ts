/**
 * Slack's agent sessions as configured: the status of each run's thread (with Slack's own stop) and
 * the closer that marks a thread's session closed once its harness session idles out. The bot works
 * without them (see slack-agent-sessions.ts).
 */

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WebClient } from '@slack/web-api';
import { DynamoCloseSchedule } from '../adapters/agent-close-schedule.ts';
import { SlackAgentSessions } from '../adapters/slack-agent-sessions.ts';
import type { Config } from '../config.ts';
import { AgentSessionCloser } from '../core/agent-session-close.ts';
import type { HomeService } from '../core/home.ts';
import type { Logger } from '../core/logger.ts';
import type { SessionStore } from '../core/ports.ts';

export function buildAgentSessions(
  config: Config,
  d: {
    client: WebClient;
    store: SessionStore & { doc: DynamoDBDocumentClient };
    table: string;
    home: HomeService;
    log: Logger;
  },
): { agentSessions: SlackAgentSessions; closer: AgentSessionCloser } {
  const log = d.log.child({ component: 'agent-sessions' });
  const agentSessions = new SlackAgentSessions(d.client, log);
  const closer = new AgentSessionCloser({
    schedule: new DynamoCloseSchedule(d.store.doc, d.table),
    sessions: d.store,
    agentSessions,
    idleMs: config.concurrency.sessionIdleMs,
    onRunChange: (session) => d.home.runChanged(session),
    log,
  });
  return { agentSessions, closer };
}
