/**
 * Errors AgentCore models for InvokeHarness that a healthy run never sees: the active-session quota
 * (the emulator counts live microVMs) and RuntimeClientError, before the stream and inside it. Each
 * is explained in the thread with its cause and what to do, and the text that already arrived stays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/stand-ins/harness-emulator.ts';
import { answer, assistantText } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, commandRoot, finalReplies, type Rig, startRig } from '../helpers/rig.ts';

async function run(rig: Rig, text: string, reply?: Reply) {
  if (reply) rig.harness.enqueue(reply);
  const root = await commandRoot(rig, { command: '/assess', text });
  return (await finalReplies(rig, CHANNEL, root.ts)).map((m) => JSON.stringify(m.blocks)).join('\n');
}

describe('modeled AgentCore errors are explained in the thread', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ harness: { maxActiveSessions: 1 } });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('the active-session quota: which quota, why sessions stay active, and what to do', async () => {
    expect(await run(rig, 'eks cluster-one', answer('First thread answered.'))).toContain('Done in');
    // The first thread's session stays live until it has been idle for the harness's idle timeout.
    const all = await run(rig, 'eks cluster-two');
    rig.harness.sessions.stop(rig.harness.invocations[0]!.sessionId);
    expect(rig.harness.invocations.at(-1)!.status).toBe(402);
    expect(all).toContain('active agent sessions');
    expect(all).toContain('idle timeout');
    expect(all).toContain('Service Quotas');
    expect(all).toContain('number of active sessions has reached the quota');
  });

  it('RuntimeClientError before the stream: the agent’s runtime failed, and where to look', async () => {
    const all = await run(rig, 'eks cluster-three', {
      status: 424,
      errorType: 'RuntimeClientError',
      message: 'Runtime container exited with code 137 while loading skills',
    });
    expect(all).toContain('agent’s runtime failed');
    expect(all).toContain('/aws/bedrock-agentcore/runtimes/');
    expect(all).toContain('exited with code 137');
  });

  it('RuntimeClientError inside the stream keeps what arrived', async () => {
    const all = await run(rig, 'eks cluster-four', {
      steps: [
        { event: 'messageStart', data: { role: 'assistant' } },
        ...assistantText('Nodes look healthy so far.'),
        { event: 'runtimeClientError', data: { message: 'Tool process crashed: shell' } },
      ],
    });
    expect(all).toContain('Nodes look healthy so far.');
    expect(all).toContain('agent’s runtime failed');
    expect(all).toContain('Tool process crashed');
  });
});
