import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eksAssessment } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, type Rig, startRig, USER } from '../helpers/rig.ts';

describe('/assess eks my-cluster us-west-2 end to end', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(async () => {
    await rig.close();
  });

  it('acks fast, posts a root message, streams the answer into the thread, and finishes with a footer', async () => {
    rig.harness.enqueue(eksAssessment({ delayMs: 30 }));
    const res = await rig.slack.slashCommand({
      command: '/assess',
      text: 'eks my-cluster us-west-2',
      user: USER,
      channel: CHANNEL,
    });
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3000);

    const root = await rig.slack.waitFor(() => rig.slack.rootMessages(CHANNEL)[0], 5000, 'root message');
    expect(root.text).toContain('my-cluster');
    expect(JSON.stringify(root.blocks)).toContain(`<@${USER}>`);
    expect(JSON.stringify(root.blocks)).toContain('us-west-2');

    await rig.harness.waitForInvocations(1);
    const inv = rig.harness.invocations[0]!;
    expect(inv.body.skills).toEqual([{ path: '/opt/.agents/skills/eks-workload-best-practice-assessment' }]);
    expect(JSON.stringify(inv.body.messages)).toContain('my-cluster');
    expect(inv.sessionId.length).toBeGreaterThanOrEqual(33);
    // No runtime user id: it would need InvokeAgentRuntimeForUser and buys nothing over SigV4.
    expect(inv.userId).toBeUndefined();

    const reply = await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, root.ts).find((m) => JSON.stringify(m.blocks).includes('Done in')),
      10_000,
      'final reply',
    );
    const body = JSON.stringify(reply.blocks);
    expect(body).toContain('Score: 78 / 100');
    expect(body).toMatch(/tokens/);
    // Tool activity was shown while the run was going.
    const versions = reply.versions.map((v) => JSON.stringify(v.blocks)).join('\n');
    expect(versions).toMatch(/(running|ran) `kubectl get nodes -o wide`/);
  });
});
