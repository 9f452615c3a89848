/**
 * InvokeHarness overrides through the real SDK: what the bot sends (the harness's tool list rendered
 * from src/harness-catalog.ts plus its inline function, a command's allowedTools, S3 or path skills) is
 * accepted, and what the API constrains (allowedTools pattern and length, one source per skill, a
 * config member matching the tool type, unique tool names) is refused with ValidationException, an
 * error the SDK models for InvokeHarness.
 */
import {
  BedrockAgentCoreClient,
  InvokeHarnessCommand,
  type InvokeHarnessCommandInput,
} from '@aws-sdk/client-bedrock-agentcore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_KNOWLEDGE_MCP, renderTools } from '../../src/harness-catalog.ts';
import { HarnessEmulator } from '../../src/stand-ins/harness-emulator.ts';

const ARN = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:harness/opsagent-AbCdEf1234';
const GW = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/billing-gw-0a1b2c3d4e';
let emulator: HarnessEmulator;
let client: BedrockAgentCoreClient;
let n = 0;

beforeAll(async () => {
  emulator = new HarnessEmulator({ harnessArn: ARN });
  client = new BedrockAgentCoreClient({
    region: 'us-east-1',
    endpoint: await emulator.start(),
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
});
afterAll(async () => {
  await emulator.stop();
});

async function send(o: Partial<InvokeHarnessCommandInput>): Promise<string> {
  try {
    const out = await client.send(
      new InvokeHarnessCommand({
        harnessArn: ARN,
        runtimeSessionId: `slk-T0TEAM-C0GENERAL-1796000000_000100-g${++n}`,
        messages: [{ role: 'user', content: [{ text: 'hello' }] }],
        ...o,
      }),
    );
    for await (const _ of out.stream ?? []) {
      // drain
    }
    return 'ok';
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
}

const inline = {
  type: 'inline_function' as const,
  name: 'request_fis_experiment_approval',
  config: { inlineFunction: { description: 'Ask a human', inputSchema: { type: 'object' } as never } },
};

describe('InvokeHarness overrides (real SDK against the emulator)', () => {
  it('accepts what the bot sends', async () => {
    const tools = [
      ...renderTools([AWS_KNOWLEDGE_MCP, { type: 'agentcore_gateway', name: 'billing', gatewayArn: GW }]),
      inline,
    ];
    expect(
      await send({
        tools: tools as never,
        allowedTools: ['@builtin', '@billing', '@aws-knowledge-mcp', 'request_fis_experiment_approval'],
        skills: [
          { path: '/opt/.agents/skills/aws-cost-analysis' },
          { s3: { uri: 's3://bucket-1/skills/x/' } },
        ],
      }),
    ).toBe('ok');
    expect(emulator.invocations.at(-1)!.body.tools).toHaveLength(3);
  });

  it('refuses what the API constrains', async () => {
    const results = [
      await send({ allowedTools: ['@a/b/c'] }),
      await send({ allowedTools: ['x'.repeat(65)] }),
      await send({ skills: [{ path: '/a', s3: { uri: 's3://b-1/x/' } } as never] }),
      await send({ skills: [{ s3: { uri: 'https://example.com/x' } }] }),
      await send({
        tools: [{ type: 'remote_mcp', name: 'x', config: { agentCoreGateway: { gatewayArn: GW } } }] as never,
      }),
      await send({
        tools: [...renderTools([AWS_KNOWLEDGE_MCP]), ...renderTools([AWS_KNOWLEDGE_MCP])] as never,
      }),
      await send({
        tools: [
          { type: 'agentcore_gateway', name: 'g', config: { agentCoreGateway: { gatewayArn: 'arn:nope' } } },
        ],
      }),
    ];
    for (const r of results) expect(r).toMatch(/^ValidationException: /);
    expect(results[5]).toContain("Tool name 'aws-knowledge-mcp' already exists");
  });
});
