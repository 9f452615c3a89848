/**
 * The harness emulator against the real @aws-sdk/client-bedrock-agentcore: it refuses what AWS
 * refuses, with errors the SDK models for each operation (read from the SDK's own command docs),
 * and StopRuntimeSession takes the harness ARN and ends the stream in flight.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import {
  BedrockAgentCoreClient,
  InvokeHarnessCommand,
  type InvokeHarnessCommandInput,
  StopRuntimeSessionCommand,
} from '@aws-sdk/client-bedrock-agentcore';
import { afterEach, describe, expect, it } from 'vitest';
import { HarnessEmulator, type HarnessEmulatorOptions } from '../../src/stand-ins/harness-emulator.ts';
import { policyAuthorizer } from '../../src/stand-ins/iam-authorizer.ts';
import { answer, assistantText } from '../../src/stand-ins/scenarios.ts';

const ARN = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:harness/opsagent-AbCdEf1234';
const SESSION = 'slk-T0TEAM-C0GENERAL-1796000000_000100-g1';

/** The errors the SDK documents for a command (its @throws list). */
function modeledErrors(command: string): string[] {
  const require = createRequire(import.meta.url);
  const root = path.dirname(require.resolve('@aws-sdk/client-bedrock-agentcore/package.json'));
  const dts = readFileSync(path.join(root, `dist-types/commands/${command}.d.ts`), 'utf8');
  return [...dts.matchAll(/@throws \{@link (\w+)\}/g)]
    .map((m) => m[1]!)
    .filter((n) => !n.endsWith('ServiceException'));
}

let emulator: HarnessEmulator | undefined;
async function start(o: Partial<HarnessEmulatorOptions> = {}) {
  emulator = new HarnessEmulator({ harnessArn: ARN, ...o });
  const url = await emulator.start();
  const client = new BedrockAgentCoreClient({
    region: 'us-east-1',
    endpoint: url,
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  return { emulator, client };
}
afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

const invoke = (o: Partial<InvokeHarnessCommandInput> = {}) =>
  new InvokeHarnessCommand({
    harnessArn: ARN,
    runtimeSessionId: SESSION,
    messages: [{ role: 'user', content: [{ text: 'hello' }] }],
    ...o,
  });

async function errorOf(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { name: string; message: string };
  }
  throw new Error('expected a refusal');
}

describe('harness emulator contract (real SDK)', () => {
  it('InvokeHarness refusals are errors the SDK models for InvokeHarness', async () => {
    const modeled = modeledErrors('InvokeHarnessCommand');
    expect(modeled).toEqual(
      expect.arrayContaining(['ServiceQuotaExceededException', 'RuntimeClientError', 'ThrottlingException']),
    );
    const { client } = await start({ maxActiveSessions: 0, maxInvocationsPerSecond: 1 });
    const seen = [
      await errorOf(client.send(invoke({ harnessArn: ARN.replace('AbCdEf1234', 'Zz99999999') }))),
      await errorOf(client.send(invoke({ runtimeSessionId: 'too-short' }))),
      await errorOf(client.send(invoke({ qualifier: '1-bad' }))),
      await errorOf(client.send(invoke())),
      await errorOf(client.send(invoke())),
    ];
    expect(seen.map((e) => e.name)).toEqual([
      'ResourceNotFoundException',
      'ValidationException',
      'ValidationException',
      'ServiceQuotaExceededException',
      'ThrottlingException',
    ]);
    for (const e of seen) expect(modeled).toContain(e.name);
  });

  it('StopRuntimeSession takes the harness ARN, refuses the runtime behind it, and ends the stream in flight', async () => {
    const modeled = modeledErrors('StopRuntimeSessionCommand');
    const { client, emulator } = await start();
    emulator.enqueue({
      steps: [
        { event: 'messageStart', data: { role: 'assistant' } },
        ...assistantText('working'),
        { hang: true },
        ...assistantText('never sent'),
        { event: 'messageStop', data: { stopReason: 'end_turn' } },
      ],
    });
    const out = await client.send(invoke());
    const events: string[] = [];
    const reading = (async () => {
      for await (const ev of out.stream ?? []) events.push(Object.keys(ev)[0]!);
    })();
    await new Promise((r) => setTimeout(r, 100));

    const byRuntime = await errorOf(
      client.send(
        new StopRuntimeSessionCommand({ agentRuntimeArn: emulator.runtimeArn, runtimeSessionId: SESSION }),
      ),
    );
    expect(byRuntime.name).toBe('ValidationException');
    expect(byRuntime.message).toContain('managed by a harness');
    const unknown = await errorOf(
      client.send(
        new StopRuntimeSessionCommand({
          agentRuntimeArn: ARN.replace('AbCdEf1234', 'Zz99999999'),
          runtimeSessionId: SESSION,
        }),
      ),
    );
    expect(unknown.name).toBe('ResourceNotFoundException');
    for (const e of [byRuntime, unknown]) expect(modeled).toContain(e.name);

    const stopped = await client.send(
      new StopRuntimeSessionCommand({ agentRuntimeArn: ARN, runtimeSessionId: SESSION }),
    );
    expect(stopped.runtimeSessionId).toBe(SESSION);
    await reading;
    expect(events).not.toContain('messageStop');
    expect(emulator.invocations[0]!.stoppedBySession).toBe(true);
    // The session is gone: stopping it again finds nothing.
    const again = await errorOf(
      client.send(new StopRuntimeSessionCommand({ agentRuntimeArn: ARN, runtimeSessionId: SESSION })),
    );
    expect(again.name).toBe('ResourceNotFoundException');
  });

  it('a call with a runtime user id also needs InvokeAgentRuntimeForUser', async () => {
    const allow = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['bedrock-agentcore:InvokeHarness', 'bedrock-agentcore:InvokeAgentRuntime'],
          Resource: [ARN, `${ARN}/harness-endpoint/DEFAULT`],
        },
      ],
    };
    const authorizer = policyAuthorizer({
      policies: [allow],
      principalArn: 'arn:aws:sts::123456789012:assumed-role/bot/s',
      accountId: '123456789012',
    });
    const { client, emulator } = await start({ authorizer });
    emulator.enqueue(answer('ok'));
    const out = await client.send(invoke());
    for await (const _ of out.stream ?? []) {
      /* drain */
    }
    const denied = await errorOf(client.send(invoke({ runtimeUserId: 'U0ALICE01' })));
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toContain('bedrock-agentcore:InvokeAgentRuntimeForUser');
  });
});
