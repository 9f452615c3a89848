import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, MissingSlackCredentials } from '../../src/config.ts';

const ARN = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:harness/opsagent-AbCdEf1234';

describe('config', () => {
  it('names what is missing when no Slack credentials are set', () => {
    expect(() => loadConfig({})).toThrow(MissingSlackCredentials);
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({
        SLACK_BOT_TOKEN: 'nope',
        PORT: 'abc',
        HARNESS_ARN: 'arn:bad',
        DEFAULT_TARGET_REGION: 'mars-1',
      });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const text = (err as ConfigError).message;
      for (const name of [
        'SLACK_BOT_TOKEN',
        'SLACK_SIGNING_SECRET',
        'PORT',
        'HARNESS_ARN',
        'DEFAULT_TARGET_REGION',
      ]) {
        expect(text).toContain(name);
      }
      expect(text).not.toContain('"nope"'); // token values are never echoed
    }
  });

  it('chooses Socket Mode when an app token is set, HTTP mode otherwise', () => {
    const socket = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', HARNESS_ARN: ARN });
    expect(socket.slack.mode.kind).toBe('socket');
    const http = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', HARNESS_ARN: ARN });
    expect(http.slack.mode).toEqual({ kind: 'http', signingSecret: 's', port: 3000 });
  });

  it('reads per-subcommand access lists and admins, and rejects malformed ones', () => {
    const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', HARNESS_ARN: ARN };
    const c = loadConfig({
      ...base,
      COMMAND_ACCESS: '/fis=S0SRE0001; /fis run=U0LEAD001;/logs=S0SRE0001',
      BOT_ADMINS: 'U0ADMIN01,S0ADMINS1',
    });
    expect(c.access.commands).toEqual({
      '/fis': ['S0SRE0001'],
      '/fis run': ['U0LEAD001'],
      '/logs': ['S0SRE0001'],
    });
    expect(c.access.admins).toEqual(['U0ADMIN01', 'S0ADMINS1']);
    expect(loadConfig(base).access.admins).toEqual([]);
    expect(() => loadConfig({ ...base, BOT_ADMINS: 'alice' })).toThrow(/BOT_ADMINS/);
  });

  it('derives regions and defaults', () => {
    const c = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', HARNESS_ARN: ARN });
    expect(c.harness.region).toBe('us-west-2');
    expect(c.defaultTargetRegion).toBe('us-west-2');
    expect(c.harness.skillsBasePath).toBe('/opt/.agents/skills/');
    expect(c.store.table).toBeUndefined();
    const d = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's',
      HARNESS_ARN: ARN,
      AWS_REGION: 'eu-west-1',
      DEFAULT_TARGET_REGION: 'eu-central-1',
      SESSIONS_TABLE: 'bot-table',
      SLACK_API_URL: 'http://127.0.0.1:9/api',
    });
    expect(d.harness.region).toBe('us-west-2');
    expect(d.store.region).toBe('eu-west-1');
    expect(d.defaultTargetRegion).toBe('eu-central-1');
    expect(d.store.table).toBe('bot-table');
    expect(d.slack.apiUrl).toBe('http://127.0.0.1:9/api/');
  });
});
