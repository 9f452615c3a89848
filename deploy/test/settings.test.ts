import { describe, expect, it } from 'vitest';
import { foundationModelId, MIN_TIMEOUT_FOR_EXECUTE, readSettings, SettingsError } from '../lib/settings.ts';

const read = (ctx: Record<string, unknown>) => readSettings((k) => ctx[k]);
const problems = (ctx: Record<string, unknown>): string[] => {
  try {
    read(ctx);
  } catch (e) {
    if (e instanceof SettingsError) return e.problems;
    throw e;
  }
  return [];
};

describe('deployment settings', () => {
  it('has working defaults: Socket Mode, managed memory, one task, environment-agnostic', () => {
    const s = read({});
    expect(s).toMatchObject({
      slackMode: 'socket',
      harnessMemory: 'managed',
      desiredCount: 1,
      account: undefined,
      region: undefined,
      harnessName: 'slack_ops_agent',
    });
    expect(s.harnessIdleTimeoutSeconds).toBeLessThanOrEqual(s.harnessMaxLifetimeSeconds);
  });

  it('reads context values given as strings on the command line', () => {
    const s = read({ desiredCount: '0', modelId: 'eu.anthropic.claude-x-v1:0', fisApprovers: 'U1ABC,S2DEF' });
    expect(s.desiredCount).toBe(0);
    expect(s.modelId).toBe('eu.anthropic.claude-x-v1:0');
    expect(s.bot.FIS_APPROVERS).toBe('U1ABC,S2DEF');
    expect(s.bot.BOT_ADMINS).toBeUndefined();
  });

  it('content logging is off unless logContent=true, and anything else is refused by the bot schema', () => {
    expect(read({}).bot.LOG_CONTENT).toBeUndefined();
    expect(read({ logContent: 'true' }).bot.LOG_CONTENT).toBe('true');
    expect(problems({ logContent: 'yes please' }).join()).toMatch(
      /^logContent: LOG_CONTENT must be true or false/,
    );
  });

  it('reports every bad setting at once', () => {
    const p = problems({
      modelId: 'anthropic.claude-x-v1:0',
      harnessName: 'has-hyphen',
      slackMode: 'http',
      account: '123',
      fisApprovers: 'alice',
      harnessTimeoutSeconds: '3600',
    });
    expect(p.join('\n')).toMatch(/modelId must be a Bedrock inference-profile id/);
    expect(p.join('\n')).toMatch(/harnessName must match/);
    expect(p.join('\n')).toMatch(/slackMode=http needs certificateArn/);
    expect(p.join('\n')).toMatch(/account must be a 12-digit/);
    expect(p.join('\n')).toMatch(/account and region must be set together/);
    expect(p.join('\n')).toMatch(/fisApprovers: FIS_APPROVERS must be a comma-separated list/);
    expect(p.join('\n')).toMatch(/harnessTimeoutSeconds must be an integer from 60 to 3599/);
  });

  it('refuses a harness timeout too short for the execute skill to watch an experiment', () => {
    expect(problems({ harnessTimeoutSeconds: String(MIN_TIMEOUT_FOR_EXECUTE - 1) }).join('\n')).toMatch(
      /harnessTimeoutSeconds must be at least/,
    );
    expect(problems({ harnessTimeoutSeconds: String(MIN_TIMEOUT_FOR_EXECUTE) })).toEqual([]);
    expect(MIN_TIMEOUT_FOR_EXECUTE).toBeLessThan(3600);
  });

  it('allows several tasks only behind the load balancer', () => {
    expect(problems({ desiredCount: 2 }).join('\n')).toMatch(/only supported with slackMode=http/);
  });

  it('derives the foundation model from the inference profile id', () => {
    expect(foundationModelId('us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toBe(
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
    );
    expect(foundationModelId('global.anthropic.claude-x')).toBe('anthropic.claude-x');
  });
});

describe('model id and region, checked together', () => {
  it('refuses a us. inference profile deployed in eu-central-1, naming the profile to use', () => {
    const p = problems({ account: '123456789012', region: 'eu-central-1' }).join('\n');
    expect(p).toMatch(/modelId us\.anthropic\.claude-sonnet-4-5-20250929-v1:0 is a "us\." inference profile/);
    expect(p).toMatch(/not eu-central-1.*eu\.anthropic\.claude-sonnet-4-5-20250929-v1:0/);
  });

  it.each([
    ['us.anthropic.claude-x-v1:0', 'us-west-2'],
    ['eu.anthropic.claude-x-v1:0', 'eu-west-1'],
    ['apac.anthropic.claude-x-v1:0', 'ap-southeast-1'],
    ['jp.anthropic.claude-x-v1:0', 'ap-northeast-1'],
    ['global.anthropic.claude-x-v1:0', 'eu-central-1'],
    ['global.anthropic.claude-x-v1:0', 'us-east-1'],
  ])('accepts %s in %s', (modelId, region) => {
    expect(problems({ modelId, account: '123456789012', region })).toEqual([]);
  });

  it.each([
    ['eu.anthropic.claude-x-v1:0', 'us-east-1'],
    ['apac.anthropic.claude-x-v1:0', 'eu-west-1'],
    ['jp.anthropic.claude-x-v1:0', 'ap-southeast-1'],
    ['global.anthropic.claude-x-v1:0', 'us-gov-west-1'],
  ])('refuses %s in %s', (modelId, region) => {
    expect(problems({ modelId, account: '123456789012', region }).join()).toMatch(/inference profile/);
  });
});

describe('memory settings', () => {
  it('accepts only the 7 to 365 days AgentCore Memory keeps events', () => {
    expect(problems({ memoryEventExpiryDays: '6' }).join()).toMatch(/from 7 to 365/);
    expect(problems({ memoryEventExpiryDays: '366' }).join()).toMatch(/from 7 to 365/);
    expect(read({ memoryEventExpiryDays: '7' }).memoryEventExpiryDays).toBe(7);
  });

  it('reads strategies and the KMS key, refusing unknown strategies', () => {
    const s = read({
      memoryStrategies: 'SEMANTIC,USER_PREFERENCE',
      memoryKmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    });
    expect(s.memoryStrategies).toEqual(['SEMANTIC', 'USER_PREFERENCE']);
    expect(problems({ memoryStrategies: 'SEMANTIC,EVERYTHING' }).join()).toMatch(
      /memoryStrategies .*EVERYTHING/,
    );
    expect(problems({ memoryKmsKeyArn: 'alias/mine' }).join()).toMatch(
      /memoryKmsKeyArn must be a KMS key ARN/,
    );
  });
});

describe('network and stack names', () => {
  it('needs subnets and security groups together for VPC mode', () => {
    expect(problems({ harnessSubnetIds: 'subnet-0123456789abcdef0' }).join()).toMatch(/must be set together/);
    expect(
      problems({ harnessSubnetIds: 'subnet-x', harnessSecurityGroupIds: 'sg-0123456789abcdef0' }).join(),
    ).toMatch(/harnessSubnetIds must be subnet ids/);
  });

  it('gives a second stack its own harness name', () => {
    expect(read({}).harnessName).toBe('slack_ops_agent');
    expect(read({ stackName: 'OpsBot-Staging' }).harnessName).toBe('OpsBot_Staging');
  });
});
