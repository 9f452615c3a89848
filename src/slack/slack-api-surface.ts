/**
 * Every Slack Web API method the bot calls and every event it listens to, with the bot scope Slack
 * documents for it (docs.slack.dev method and event reference pages). test/unit/slack-surface.test.ts
 * holds manifest.yml to this list, and this list to the code: a call or listener added without a
 * line here fails that test.
 */

/** Method → the bot scope it needs (undefined: none). */
export const METHOD_SCOPES: Record<string, string | undefined> = {
  'auth.test': undefined,
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.startStream': 'chat:write',
  'chat.appendStream': 'chat:write',
  'chat.stopStream': 'chat:write',
  'reactions.add': 'reactions:write',
  'reactions.remove': 'reactions:write',
  'conversations.join': 'channels:join',
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
  'usergroups.users.list': 'usergroups:read',
  // One history scope per conversation kind (groups/im/mpim:history likewise); channels: the public one.
  'conversations.replies': 'channels:history',
  // The doctor (npm run doctor): can the bot read a configured channel, does a configured user exist;
  // the writer: did a root post whose answer was lost land (slack-post-once.ts).
  'conversations.history': 'channels:history',
  'users.info': 'users:read',
  // Thread sessions need chat:write; only apps declared as agents (which adds assistant:write) may create them.
  'agents.sessions.setStatus': 'assistant:write',
  'assistant.threads.setSuggestedPrompts': 'assistant:write',
  'views.publish': undefined,
};

/** Events API subscription → the bot scope it needs (undefined: none). */
export const EVENT_SCOPES: Record<string, string | undefined> = {
  app_mention: 'app_mentions:read',
  'message.channels': 'channels:history',
  'message.groups': 'groups:history',
  'message.im': 'im:history',
  // Sent only to apps declared as agents (assistant:write).
  agent_session_stopped: 'assistant:write',
  assistant_thread_started: 'assistant:write',
  app_home_opened: undefined,
};

/** The subscriptions a Bolt `app.event(type)` listener needs. */
export const LISTENER_EVENTS: Record<string, string[]> = {
  message: ['message.channels', 'message.groups', 'message.im'],
  app_mention: ['app_mention'],
  agent_session_stopped: ['agent_session_stopped'],
  assistant_thread_started: ['assistant_thread_started'],
  app_home_opened: ['app_home_opened'],
};
