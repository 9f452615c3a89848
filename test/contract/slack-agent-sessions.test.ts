/**
 * Contract: the fake's agents.sessions.* is at least as strict as what Slack publishes about them.
 * Source: the argument types Slack ships in @slack/web-api 8.2.0 (node_modules, MIT;
 * node-slack-sdk packages/web-api/src/types/request/agents.ts at commit
 * 4322e14f116ac7551073767c533b9aca77fd9552, whose comments quote docs.slack.dev), read here with the
 * TypeScript compiler so a change in them shows up as a failure, and their response types
 * (`needed`, `provided`, `warning`). Slack's reference pages (docs.slack.dev/reference/methods/
 * agents.sessions.setStatus, .rename) could not be read offline; nothing here relies on them.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../src/stand-ins/fake-slack.ts';
import { documentedArgs } from './slack-spec.ts';

const USER = 'U0ALICE01';
const OUTSIDER = 'U0EVE0005';
const CHANNEL = 'C0GENERAL';
const AGENT_SCOPES = ['chat:write', 'assistant:write'];

/** The published argument documentation of one property of an @slack/web-api request type. */
function published(iface: string, prop: string): string {
  const dir = join(createRequire(import.meta.url).resolve('@slack/web-api'), '..', 'types', 'request');
  const src = readFileSync(join(dir, 'agents.d.ts'), 'utf8');
  const from = src.slice(src.indexOf(`export interface ${iface} `));
  const body = from.slice(0, from.indexOf('\n}'));
  const end = body.indexOf(`${prop}?:`) >= 0 ? body.indexOf(`${prop}?:`) : body.indexOf(`${prop}:`);
  const start = body.lastIndexOf('/**', end);
  return body.slice(start, end).replace(/\s*\*\s*/g, ' ');
}

describe('agents.sessions.* in the fake, against Slack’s published argument types', () => {
  let slack: FakeSlack;
  let client: WebClient;
  let root: string;
  const call = (method: string, args: Record<string, unknown>) =>
    client.apiCall(method, args).then(
      (r) => r as unknown as Record<string, unknown>,
      (e: { data?: Record<string, unknown> }) => e.data ?? {},
    );

  beforeAll(async () => {
    slack = new FakeSlack({ scopes: AGENT_SCOPES });
    await slack.start();
    slack.addUser({ id: USER, name: 'alice' });
    slack.addUser({ id: OUTSIDER, name: 'eve' });
    slack.channels.get(CHANNEL)!.members.add(USER);
    client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    root = String((await client.chat.postMessage({ channel: CHANNEL, text: 'root' })).ts);
  });
  afterAll(async () => {
    await slack?.stop();
  });

  it('the required arguments are Slack’s: channel_id and status (setStatus), channel_id and title (rename)', async () => {
    const spec = documentedArgs();
    expect([...spec.get('agents.sessions.setStatus')!.required].sort()).toEqual(['channel_id', 'status']);
    expect([...spec.get('agents.sessions.rename')!.required].sort()).toEqual(['channel_id', 'title']);
    expect(await call('agents.sessions.setStatus', { channel_id: CHANNEL, thread_ts: root })).toMatchObject({
      ok: false,
      error: 'invalid_arguments',
    });
    expect(await call('agents.sessions.setStatus', { status: 'active', thread_ts: root })).toMatchObject({
      ok: false,
      error: 'invalid_arguments',
    });
    expect(await call('agents.sessions.rename', { channel_id: CHANNEL, thread_ts: root })).toMatchObject({
      ok: false,
      error: 'invalid_arguments',
    });
  });

  it('status is one of the four Slack lists', async () => {
    expect(published('AgentsSessionsSetStatusArguments', 'status')).toContain(
      '`active`, `processing`, `suspended`, `closed`',
    );
    expect(
      await call('agents.sessions.setStatus', { channel_id: CHANNEL, thread_ts: root, status: 'running' }),
    ).toMatchObject({ ok: false, error: 'invalid_arguments' });
  });

  it('the initiator must be a member of the channel (read when the session is created)', async () => {
    expect(published('AgentsSessionsSetStatusArguments', 'initiator_user_id')).toContain(
      'Must be a member of the channel',
    );
    const outsider = await call('agents.sessions.setStatus', {
      channel_id: CHANNEL,
      thread_ts: root,
      status: 'processing',
      initiator_user_id: OUTSIDER,
    });
    expect(outsider.ok).toBe(false);
    expect(slack.agents.session(CHANNEL, root)).toBeUndefined();
    expect(
      await call('agents.sessions.setStatus', {
        channel_id: CHANNEL,
        thread_ts: root,
        status: 'processing',
        initiator_user_id: USER,
        title: 'First title',
      }),
    ).toMatchObject({ ok: true });
    // Title and initiator only count on creation; afterwards they are ignored, not refused.
    expect(
      await call('agents.sessions.setStatus', {
        channel_id: CHANNEL,
        thread_ts: root,
        status: 'active',
        initiator_user_id: OUTSIDER,
        title: 'Ignored',
      }),
    ).toMatchObject({ ok: true, title: 'First title' });
    expect(slack.agents.session(CHANNEL, root)).toMatchObject({ initiator: USER, title: 'First title' });
  });

  it('the agent’s icon and name need chat:write.customize; a refusal names the scope needed and the token’s scopes', async () => {
    expect(published('AgentsSessionsSetStatusArguments', 'icon_emoji')).toContain('chat:write.customize');
    expect(published('AgentsSessionsSetStatusArguments', 'username')).toContain('max 200 characters');
    for (const extra of [
      { icon_emoji: ':robot_face:' },
      { icon_url: 'https://x/y.png' },
      { username: 'Ops' },
    ])
      expect(
        await call('agents.sessions.setStatus', {
          channel_id: CHANNEL,
          thread_ts: root,
          status: 'active',
          ...extra,
        }),
      ).toMatchObject({
        ok: false,
        error: 'missing_scope',
        needed: 'chat:write.customize',
        provided: 'chat:write,assistant:write',
      });
  });

  it('titles are 1 to 200 characters (rename), at most 200 (setStatus)', async () => {
    expect(published('AgentsSessionsRenameArguments', 'title')).toContain('1-200 characters');
    const rename = (title: string) =>
      call('agents.sessions.rename', { channel_id: CHANNEL, thread_ts: root, title });
    expect(await rename('')).toMatchObject({ ok: false });
    expect(await rename('x'.repeat(201))).toMatchObject({ ok: false });
    expect(await rename('x'.repeat(200))).toMatchObject({ ok: true });
  });

  it('not subscribed to agent_session_stopped: the call succeeds with Slack’s warning', async () => {
    const quiet = new FakeSlack({ scopes: AGENT_SCOPES, botEvents: ['app_mention'] });
    await quiet.start();
    try {
      const c = new WebClient(quiet.botToken, { slackApiUrl: quiet.apiUrl });
      const ts = String((await c.chat.postMessage({ channel: CHANNEL, text: 'root' })).ts);
      const r = await c.agents.sessions.setStatus({
        channel_id: CHANNEL,
        thread_ts: ts,
        status: 'processing',
      });
      expect(r.warning).toBe('missing_agent_session_stopped_event_subscription');
    } finally {
      await quiet.stop();
    }
  });

  it('without assistant:write (an app not declared as an agent): missing_scope, nothing created', async () => {
    const plain = new FakeSlack({ scopes: ['chat:write'] });
    await plain.start();
    try {
      const c = new WebClient(plain.botToken, { slackApiUrl: plain.apiUrl });
      const ts = String((await c.chat.postMessage({ channel: CHANNEL, text: 'root' })).ts);
      const r = await c
        .apiCall('agents.sessions.setStatus', { channel_id: CHANNEL, thread_ts: ts, status: 'active' })
        .catch((e: { data: Record<string, unknown> }) => e.data);
      expect(r).toMatchObject({
        ok: false,
        error: 'missing_scope',
        needed: 'assistant:write',
        provided: 'chat:write',
      });
      expect(plain.agents.session(CHANNEL, ts)).toBeUndefined();
    } finally {
      await plain.stop();
    }
  });
});
