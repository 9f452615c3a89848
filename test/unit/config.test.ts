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

describe('harnesses and tools', () => {
  const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', HARNESS_ARN: ARN };
  const COST = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:harness/opsagent_cost-ZyXw987654';
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({ ...base, ...env });
    } catch (err) {
      return (err as ConfigError).problems.join('\n');
    }
    return '';
  };

  it('defaults to the AWS Knowledge MCP server on the default harness and no further harnesses', () => {
    const c = loadConfig(base);
    expect(c.harness.tools).toEqual([
      { type: 'remote_mcp', name: 'aws-knowledge-mcp', url: 'https://knowledge-mcp.global.api.aws' },
    ]);
    expect(c.harness.others).toEqual([]);
  });

  it('routes a command family to a named harness with its ARN and region', () => {
    const c = loadConfig({
      ...base,
      HARNESSES: JSON.stringify([{ id: 'cost', commands: ['/cost'] }]),
      HARNESS_ARNS: `cost=${COST}`,
    });
    expect(c.harness.others).toEqual([
      { id: 'cost', arn: COST, region: 'us-west-2', commands: ['/cost'], tools: [] },
    ]);
  });

  it('names every problem: bad JSON, plain header values, missing or unknown ARNs, unknown commands', () => {
    expect(problems({ HARNESS_TOOLS: '[{' })).toMatch(/HARNESS_TOOLS is not valid JSON/);
    expect(
      problems({
        HARNESS_TOOLS: JSON.stringify([
          {
            type: 'remote_mcp',
            name: 'gh',
            url: 'https://x.example',
            headers: { Authorization: 'Bearer abc' },
          },
        ]),
      }),
    ).toMatch(/HARNESS_TOOLS .*never a plain value/);
    expect(
      problems({
        HARNESS_TOOLS: JSON.stringify([
          {
            type: 'remote_mcp',
            name: 'gh',
            url: 'https://x.example',
            headers: { Authorization: 'Bearer abc' },
          },
        ]),
      }),
    ).not.toContain('Bearer abc');
    const text = problems({
      HARNESSES: JSON.stringify([{ id: 'cost', commands: ['/cost', '/nope'] }]),
      HARNESS_ARNS: `chaos=${COST}`,
    });
    expect(text).toContain('HARNESS_ARNS has no ARN for harness "cost"');
    expect(text).toContain('/nope, which is not a command of this bot');
    expect(text).toContain('HARNESS_ARNS names "chaos"');
  });

  it('refuses tools the bot cannot repeat on the harness that answers /fis when approvals are on', () => {
    const secretTool = JSON.stringify([
      {
        type: 'remote_mcp',
        name: 'gh',
        url: 'https://x.example',
        headers: {
          Authorization: { secretArn: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:gh-AbCdEf' },
        },
      },
    ]);
    expect(problems({ HARNESS_TOOLS: secretTool })).toBe('');
    expect(problems({ HARNESS_TOOLS: secretTool, FIS_APPROVERS: 'U0123ABCD' })).toMatch(
      /HARNESS_TOOLS: the harness that answers \/fis cannot have this tool while FIS_APPROVERS is set: gh has secret-backed headers/,
    );
    // On another harness it is fine: /fis stays on the default one.
    expect(
      problems({
        FIS_APPROVERS: 'U0123ABCD',
        HARNESSES: JSON.stringify([{ id: 'cost', commands: ['/cost'], tools: JSON.parse(secretTool) }]),
        HARNESS_ARNS: `cost=${COST}`,
      }),
    ).toBe('');
  });
});
