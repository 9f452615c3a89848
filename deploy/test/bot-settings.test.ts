/**
 * Every bot setting is settable through the deploy, from the bot's own schema: a value given as bot.NAME reaches the
 * task's environment, and what is not passed through is derived or excluded with a reason.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/config-schema.ts';
import { BOT_VARIABLES, NOT_PASSED_THROUGH } from '../lib/bot-settings.ts';
import { readSettings, SettingsError } from '../lib/settings.ts';
import { synth } from './helpers/synth.ts';

const PASSED_THROUGH = BOT_VARIABLES.filter((v) => !NOT_PASSED_THROUGH[v]);

/**
 * Values tried in turn for each passed-through variable: the first its schema accepts is given to the deploy.
 * A variable none fits fails the test below with its name (add a candidate that its schema accepts).
 */
const CANDIDATES = [
  'U0123ABCD',
  'C0123ABCD',
  '/fis=S0123ABCD;/fis run=U0456EFGH',
  'native',
  'off',
  'true',
  '7',
  '120',
  'us-west-2',
  'warn',
  'https://example.com/',
  'prod=111122223333',
  'custom-value',
];

function sampleFor(name: string): string | undefined {
  const field = schema.shape[name as keyof typeof schema.shape];
  return CANDIDATES.find((c) => field.safeParse(c).success);
}

const problems = (ctx: Record<string, unknown>): string[] => {
  try {
    readSettings((k) => ctx[k], Object.keys(ctx));
    return [];
  } catch (e) {
    if (e instanceof SettingsError) return e.problems;
    throw e;
  }
};

describe('bot settings through the deploy', () => {
  it('classifies every variable of the bot schema: passed through, or derived/excluded/secret with a reason', () => {
    for (const name of BOT_VARIABLES) {
      const rule = NOT_PASSED_THROUGH[name];
      if (rule) expect(rule.reason.length, name).toBeGreaterThan(10);
    }
    // The ones the issue names are settable.
    for (const name of ['COMMAND_ACCESS', 'ALLOWED_CHANNELS', 'FIS_APPROVERS', 'STREAM_MODE', 'TOKEN_PRICES'])
      expect(PASSED_THROUGH).toContain(name);
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET'])
      expect(NOT_PASSED_THROUGH[name as keyof typeof NOT_PASSED_THROUGH]?.kind).toBe('secret');
  });

  describe('a value given to the deploy reaches the task environment', () => {
    const given = Object.fromEntries(PASSED_THROUGH.map((n) => [n, sampleFor(n)]));
    const s = synth(Object.fromEntries(Object.entries(given).map(([k, v]) => [`bot.${k}`, v])));
    afterAll(() => s.cleanup());
    const [td] = Object.values(s.template.findResources('AWS::ECS::TaskDefinition'));
    const env = Object.fromEntries(
      (
        td!.Properties as {
          ContainerDefinitions: Array<{ Environment: Array<{ Name: string; Value: unknown }> }>;
        }
      ).ContainerDefinitions[0]!.Environment.map((e) => [e.Name, e.Value]),
    );

    it.each(PASSED_THROUGH)('%s', (name) => {
      expect(given[name], `no candidate value fits ${name}'s schema: add one to CANDIDATES`).toBeDefined();
      expect(env[name]).toBe(given[name]);
    });

    it('derived variables are set by the stack, and secrets never appear in the environment', () => {
      for (const [name, rule] of Object.entries(NOT_PASSED_THROUGH)) {
        if (rule.kind === 'secret' || rule.kind === 'excluded') expect(env[name], name).toBeUndefined();
      }
      for (const name of [
        'HARNESS_ARN',
        'AWS_REGION',
        'SESSIONS_TABLE',
        'SKILLS_BASE_PATH',
        'PORT',
        'BOT_MODE',
        'FIS_REGIONS',
        'METRICS_NAMESPACE',
        'FIS_START_ROLE_ARN',
      ])
        expect(env[name], name).toBeDefined();
    });
  });

  it('the cdk.json botSettings object works like bot.NAME', () => {
    const s = readSettings((k) => (k === 'botSettings' ? { COMMAND_ACCESS: '/fis=S0123ABCD' } : undefined));
    expect(s.bot.COMMAND_ACCESS).toBe('/fis=S0123ABCD');
  });

  it('validates with the bot’s own schema and messages, naming where the value came from', () => {
    const p = problems({ 'bot.STREAM_MODE': 'fast', botSettings: { FIS_APPROVAL_TTL_MINUTES: '0' } });
    expect(p).toContain('bot.STREAM_MODE: STREAM_MODE must be "edit" or "native" (got "fast")');
    expect(p.join('\n')).toMatch(
      /botSettings\.FIS_APPROVAL_TTL_MINUTES: FIS_APPROVAL_TTL_MINUTES must be a number/,
    );
  });

  it('refuses secrets, derived and unknown variables with the reason', () => {
    const p = problems({
      'bot.SLACK_BOT_TOKEN': 'xoxb-1',
      'bot.HARNESS_SESSION_IDLE_SECONDS': '60',
      'bot.COMAND_ACCESS': '/fis=S0123ABCD',
    }).join('\n');
    expect(p).toMatch(/bot\.SLACK_BOT_TOKEN cannot be set through the deploy: .*Secrets Manager/);
    expect(p).toMatch(/bot\.HARNESS_SESSION_IDLE_SECONDS cannot be set .*harnessIdleTimeoutSeconds/);
    expect(p).toMatch(/bot\.COMAND_ACCESS: COMAND_ACCESS is not a bot setting/);
  });

  it('refuses two different values for one variable', () => {
    expect(problems({ fisApprovers: 'U0123ABCD', 'bot.FIS_APPROVERS': 'U0456EFGH' }).join()).toMatch(
      /both set FIS_APPROVERS to different values/,
    );
  });

  it('keeps the shutdown grace, the interruption notes and the exit inside the container stop timeout', () => {
    expect(problems({ 'bot.SHUTDOWN_GRACE_SECONDS': '90' }).join()).toMatch(
      /SHUTDOWN_GRACE_SECONDS must be at most 40: ECS kills the container 60 s after SIGTERM/,
    );
    // 45 s of grace left no time to write the interruption notes before SIGKILL.
    expect(problems({ 'bot.SHUTDOWN_GRACE_SECONDS': '45' }).join()).toMatch(/at most 40/);
    expect(problems({ 'bot.SHUTDOWN_GRACE_SECONDS': '40' })).toEqual([]);
  });
});
