import { describe, expect, it } from 'vitest';
import { ConfigError, loadBotMode, loadSandboxConfig } from '../../src/config.ts';

const ARN = 'arn:aws:bedrock-agentcore:eu-west-1:123456789012:harness/opsagent-AbCdEf1234';
const EMU = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:harness/sandbox-Sandbox001';
const wiring = {
  botToken: 'xoxb-fake',
  signingSecret: 'secret',
  slackApiUrl: 'http://127.0.0.1:9/api/',
  dataDir: '/tmp/x',
};

describe('bot mode and sandbox config', () => {
  it('runs the sandbox without Slack credentials, Slack with any, and BOT_MODE forces either', () => {
    expect(loadBotMode({})).toBe('sandbox');
    expect(loadBotMode({ SLACK_BOT_TOKEN: 'xoxb-1' })).toBe('slack');
    expect(loadBotMode({ SLACK_APP_TOKEN: ' ' })).toBe('sandbox');
    expect(loadBotMode({ BOT_MODE: 'slack' })).toBe('slack');
    expect(loadBotMode({ BOT_MODE: 'Sandbox', SLACK_BOT_TOKEN: 'xoxb-1' })).toBe('sandbox');
    expect(() => loadBotMode({ BOT_MODE: 'prod' })).toThrow(ConfigError);
  });

  it('uses the emulator unless HARNESS_ARN is set, on loopback HTTP with embedded storage', () => {
    const s = loadSandboxConfig({ SESSIONS_TABLE: 'prod-table', SLACK_BOT_TOKEN: 'xoxb-real' });
    expect(s.port).toBe(3030);
    expect(s.harness).toEqual({ kind: 'emulator' });
    const c = s.botConfig({ ...wiring, emulator: { url: 'http://127.0.0.1:5', harnessArn: EMU } });
    expect(c.slack.botToken).toBe('xoxb-fake');
    expect(c.slack.mode).toEqual({ kind: 'http', signingSecret: 'secret', port: 0, host: '127.0.0.1' });
    expect(c.store.table).toBeUndefined();
    expect(c.store.dataDir).toBe('/tmp/x');
    expect(c.harness.endpoint).toBe('http://127.0.0.1:5');
    expect(c.harness.arn).toBe(EMU);
    expect(c.harness.credentials).toBeDefined();
  });

  it('talks to the real harness when HARNESS_ARN is set, with the SDK’s own endpoint and credentials', () => {
    const s = loadSandboxConfig({ HARNESS_ARN: ARN, SANDBOX_PORT: '4000', STREAM_EDIT_INTERVAL_MS: '500' });
    expect(s.port).toBe(4000);
    expect(s.harness).toEqual({ kind: 'real', arn: ARN });
    const c = s.botConfig(wiring);
    expect(c.harness.arn).toBe(ARN);
    expect(c.harness.region).toBe('eu-west-1');
    expect(c.harness.endpoint).toBeUndefined();
    expect(c.harness.credentials).toBeUndefined();
    expect(c.streamEditIntervalMs).toBe(500);
  });

  it('validates its settings like the bot’s', () => {
    expect(() => loadSandboxConfig({ SANDBOX_PORT: 'x' })).toThrow(/SANDBOX_PORT/);
    expect(() => loadSandboxConfig({ HARNESS_ARN: 'nope' })).toThrow(/HARNESS_ARN/);
  });
});
