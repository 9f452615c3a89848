/**
 * A thread's agent session is closed in Slack when the thread's harness session ends by itself (the
 * harness recycles it after HARNESS_SESSION_IDLE_SECONDS without a turn), by whichever replica is
 * alive, exactly once; a run whose owner died is moved off "processing" by the replica that reaps it.
 * A message in a closed thread opens it again, with the context restored.
 */
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_CREDENTIALS } from '../../src/adapters/embedded-dynamo.ts';
import { DynamoSessionStore } from '../../src/adapters/session-store.ts';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { type ReplicaRig, startAgentReplicas, waitForStatus } from '../helpers/agent-app.ts';
import { CHANNEL, commandRoot, finalReplies, USER } from '../helpers/rig.ts';

describe('agent sessions close when the thread’s harness session ends, across replicas', () => {
  let rig: ReplicaRig;
  beforeAll(async () => {
    rig = await startAgentReplicas({ env: { HARNESS_SESSION_IDLE_SECONDS: '2', LEASE_SECONDS: '2' } });
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('closed once, by the replica still running, after the idle time; a follow-up opens it again', async () => {
    rig.harness.enqueue(answer('All nodes are ready.'));
    rig.slack.pinned = 0;
    const root = await commandRoot(rig, { command: '/assess', text: 'eks idle-close us-west-2' });
    await finalReplies(rig, CHANNEL, root.ts);
    await waitForStatus(rig, root.ts, 'active');
    // The replica that ran the thread goes away; the other one never saw it.
    await rig.stopFirst();
    rig.slack.pinned = undefined;
    await waitForStatus(rig, root.ts, 'closed', 10_000);
    const session = rig.slack.agents.session(CHANNEL, root.ts)!;
    expect(session.history.filter((s) => s === 'closed')).toHaveLength(1);
    expect(session.history.at(-2)).toBe('active');

    rig.harness.enqueue(answer('Yes, the same cluster.'));
    await rig.slack.userMessage({ user: USER, channel: CHANNEL, text: 'same cluster?', threadTs: root.ts });
    await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, root.ts).some((m) => m.text.includes('Yes, the same cluster')),
      15_000,
      'the follow-up’s answer',
    );
    await waitForStatus(rig, root.ts, 'active');
    expect(session.history.slice(-3)).toEqual(['closed', 'processing', 'active']);
    // The harness had recycled the session: the thread says its context was restored.
    expect(rig.slack.replies(CHANNEL, root.ts).some((m) => m.text.includes('Context restored'))).toBe(true);
  }, 40_000);

  it('a run whose owner died: the replica that reaps it moves the session off processing, then closes it', async () => {
    const client = new WebClient(rig.slack.botToken, { slackApiUrl: rig.slack.apiUrl });
    const ts = String((await client.chat.postMessage({ channel: CHANNEL, text: 'EKS assessment' })).ts);
    // What the dead owner left: Slack's session processing, a running record whose lease lapsed.
    await client.agents.sessions.setStatus({ channel_id: CHANNEL, thread_ts: ts, status: 'processing' });
    const store = new DynamoSessionStore({
      table: rig.store.table,
      region: 'us-east-1',
      endpoint: rig.store.endpoint,
      credentials: EMBEDDED_CREDENTIALS,
      ttlDays: 1,
    });
    const now = Date.now();
    await store.create({
      teamId: rig.slack.teamId,
      channel: CHANNEL,
      threadTs: ts,
      runtimeSessionId: `dead-owner-session-${'0'.repeat(20)}`,
      routeId: 'assess-eks',
      skill: 'eks-workload-best-practice-assessment',
      skillPaths: [],
      requester: USER,
      status: 'running',
      owner: 'a-replica-that-crashed',
      leaseExpiresAt: now - 1_000,
      turns: 1,
      createdAt: now,
      updatedAt: now,
    });
    await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, ts).some((m) => m.text.includes('was interrupted')),
      20_000,
      'the reaper’s notice',
    );
    await waitForStatus(rig, ts, 'active');
    await waitForStatus(rig, ts, 'closed', 10_000);
    expect(rig.slack.agents.session(CHANNEL, ts)!.history).toEqual(['processing', 'active', 'closed']);
  }, 40_000);
});
