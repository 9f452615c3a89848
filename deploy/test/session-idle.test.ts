/**
 * The bot and the harness agree on when a harness session is gone: the harness terminates a session
 * idle longer than its idleRuntimeSessionTimeout (and with it the conversation), and the bot must
 * start a new session with the thread's context from then on, not a moment later.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { synth } from './helpers/synth.ts';

/** AWS's default idleRuntimeSessionTimeout (runtime-lifecycle-settings), for harnesses not deployed here. */
const AWS_DEFAULT_IDLE_SECONDS = 900;

function deployed(context: Record<string, unknown> = {}) {
  const s = synth(context);
  try {
    const [harness] = Object.values(s.template.findResources('AWS::BedrockAgentCore::Harness'));
    const idle = (
      harness!.Properties as {
        Environment: {
          AgentCoreRuntimeEnvironment: { LifecycleConfiguration: { IdleRuntimeSessionTimeout: number } };
        };
      }
    ).Environment.AgentCoreRuntimeEnvironment.LifecycleConfiguration.IdleRuntimeSessionTimeout;
    const [td] = Object.values(s.template.findResources('AWS::ECS::TaskDefinition'));
    const env = (
      td!.Properties as {
        ContainerDefinitions: Array<{ Environment: Array<{ Name: string; Value: unknown }> }>;
      }
    ).ContainerDefinitions[0]!.Environment;
    return { idle, botSetting: env.find((e) => e.Name === 'HARNESS_SESSION_IDLE_SECONDS')?.Value };
  } finally {
    s.cleanup();
  }
}

describe('harness session idle timeout: bot and harness agree', () => {
  it('the deployed bot is told the deployed harness’s idle timeout', () => {
    const d = deployed();
    expect(d.botSetting).toBe(String(d.idle));
  }, 60_000);

  it('and follows it when the operator changes it', () => {
    const d = deployed({ harnessIdleTimeoutSeconds: '3600' });
    expect(d.idle).toBe(3600);
    expect(d.botSetting).toBe('3600');
  }, 60_000);

  it('without deploy/, the bot assumes the harness default', () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      HARNESS_ARN: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:harness/opsagent-AbCdEf1234',
    });
    expect(config.concurrency.sessionIdleMs).toBe(AWS_DEFAULT_IDLE_SECONDS * 1000);
  });
});
