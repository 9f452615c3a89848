/** The interlock settings: defaults, parsing, and one clear error naming every bad value. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const base = {
  SLACK_BOT_TOKEN: 'xoxb-1',
  SLACK_SIGNING_SECRET: 's',
  HARNESS_ARN: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:harness/opsagent-AbCdEf1234',
};

describe('interlock settings', () => {
  it('default to strict alarms, no limits, 15 minutes of recovery, no start role', () => {
    const a = loadConfig(base).approvals;
    expect(a).toMatchObject({
      allowAlarmState: false,
      allowInsufficientData: false,
      limits: {},
      recoveryMs: 900_000,
    });
    expect(a.startRoleArn).toBeUndefined();
  });

  it('read limits, policy flags, recovery time and the start role', () => {
    const a = loadConfig({
      ...base,
      FIS_ALLOW_ALARM_STATE: 'true',
      FIS_ALLOW_INSUFFICIENT_DATA: 'yes',
      FIS_MAX_TARGET_PERCENT: '30',
      FIS_MAX_TARGET_AZS: '1',
      FIS_RECOVERY_MINUTES: '5',
      FIS_START_ROLE_ARN: 'arn:aws:iam::123456789012:role/agentcore-slack-bot-fis-start',
    }).approvals;
    expect(a).toMatchObject({
      allowAlarmState: true,
      allowInsufficientData: true,
      limits: { maxPercent: 30, maxAzs: 1 },
      recoveryMs: 300_000,
      startRoleArn: 'arn:aws:iam::123456789012:role/agentcore-slack-bot-fis-start',
    });
  });

  it('name every bad value in one error', () => {
    let err: unknown;
    try {
      loadConfig({
        ...base,
        FIS_MAX_TARGET_PERCENT: '150',
        FIS_MAX_TARGET_AZS: 'one',
        FIS_RECOVERY_MINUTES: '0',
        FIS_START_ROLE_ARN: 'arn:aws:iam::123:user/x',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const text = String((err as Error).message);
    for (const name of [
      'FIS_MAX_TARGET_PERCENT',
      'FIS_MAX_TARGET_AZS',
      'FIS_RECOVERY_MINUTES',
      'FIS_START_ROLE_ARN',
    ])
      expect(text).toContain(name);
  });
});
