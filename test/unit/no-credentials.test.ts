/**
 * With no AWS credentials anywhere in the SDK's default chain, the harness call fails before any
 * request is made. The thread must say that (no credentials found, and where to set them), not that
 * the bot's role lacks a permission. This drives the real adapter and the real SDK credential chain.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentCoreHarness } from '../../src/adapters/harness.ts';
import type { AgentEvent } from '../../src/core/events.ts';
import { explainFailure } from '../../src/core/explain.ts';
import { createLogger } from '../../src/log.ts';

const CLEARED = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
];

describe('no AWS credentials', () => {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const k of [
      ...CLEARED,
      'AWS_CONFIG_FILE',
      'AWS_SHARED_CREDENTIALS_FILE',
      'AWS_EC2_METADATA_DISABLED',
    ])
      saved[k] = process.env[k];
    for (const k of CLEARED) delete process.env[k];
    process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
  });
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('is explained as missing credentials, with where to set them', async () => {
    const harness = new AgentCoreHarness({
      harnessArn: 'arn:aws:bedrock-agentcore:us-west-2:123456789012:harness/opsagent-AbCdEf1234',
      region: 'us-west-2',
      idleTimeoutMs: 5_000,
      maxRunMs: 10_000,
      throttleRetries: 0,
      log: createLogger('silent'),
      // Nothing may be reached even if a credential turned up: a closed port.
      endpoint: 'http://127.0.0.1:9',
    });
    const events: AgentEvent[] = [];
    for await (const e of harness.invoke({
      runtimeSessionId: 'slack-T1-C1-1700000000_000100-0123456789abcdef0123',
      userId: 'U1',
      prompt: 'hello',
      skillPaths: [],
    })) {
      events.push(e);
    }
    const failed = events.find((e) => e.type === 'failed') as Extract<AgentEvent, { type: 'failed' }>;
    expect(failed.failure.code).toBe('no_credentials');
    const said = explainFailure(failed.failure);
    expect(said.title).toMatch(/no AWS credentials/i);
    expect(said.advice).toMatch(/profile|SSO|environment variables/);
    expect(said.title).not.toMatch(/not allowed/);
  }, 30_000);
});
