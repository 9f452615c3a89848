/**
 * Naming another account in a command (`account:<alias>`, TARGET_ACCOUNTS): what parses, what is refused with
 * which message, what the agent is told, and what the root message shows.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { parseCommand, usageFor } from '../../src/core/command-parser.ts';
import { rootDetails } from '../../src/core/commands.ts';
import { type Accounts, parseTargetAccounts } from '../../src/core/target-accounts.ts';

const PROD = '111122223333';
const HOME = '123456789012';
const accounts: Accounts = {
  home: HOME,
  others: [
    { alias: 'prod', accountId: PROD, roleArn: `arn:aws:iam::${PROD}:role/AgentCoreSlackBotReadOnly` },
    { alias: 'staging', accountId: '210987654321', roleArn: 'arn:aws:iam::210987654321:role/OpsRead' },
  ],
  externalId: 'ops-bot-7',
};
const parse = (c: string, t: string, a: Accounts = accounts) => parseCommand(c, t, 'us-east-1', [], a);

describe('TARGET_ACCOUNTS', () => {
  it('takes alias=account id (the template role there) or alias=role ARN', () => {
    expect(parseTargetAccounts(`prod=${PROD}, Staging=arn:aws:iam::210987654321:role/OpsRead`)).toEqual([
      { alias: 'prod', accountId: PROD, roleArn: `arn:aws:iam::${PROD}:role/AgentCoreSlackBotReadOnly` },
      { alias: 'staging', accountId: '210987654321', roleArn: 'arn:aws:iam::210987654321:role/OpsRead' },
    ]);
    expect(parseTargetAccounts(`gov=${PROD}`, 'aws-us-gov')).toEqual([
      expect.objectContaining({ roleArn: `arn:aws-us-gov:iam::${PROD}:role/AgentCoreSlackBotReadOnly` }),
    ]);
  });

  it('is validated by the bot config, naming every problem', () => {
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1',
      HARNESS_ARN: `arn:aws:bedrock-agentcore:us-east-1:${HOME}:harness/ops-AbCdEf1234`,
    };
    expect(() => loadConfig({ ...env, TARGET_ACCOUNTS: `prod=1234,prod=${PROD},9x=${PROD}` })).toThrow(
      /TARGET_ACCOUNTS is not valid: "prod=1234": give alias=<12-digit account id>.*the alias "prod" is given twice.*"9x=/,
    );
    const c = loadConfig({
      ...env,
      TARGET_ACCOUNTS: `prod=${PROD}`,
      TARGET_ACCOUNT_EXTERNAL_ID: 'ops-bot-7',
    });
    expect(c.accounts).toEqual({
      home: HOME,
      others: [accounts.others[0]],
      externalId: 'ops-bot-7',
      unavailableFor: [],
    });
  });
});

describe('account:<alias> in commands', () => {
  it('reads a known account: params carry the alias, the account and the role to assume', () => {
    const r = parse('/assess', 'eks my-cluster us-west-2 account:prod');
    expect(r).toMatchObject({
      ok: true,
      params: { cluster: 'my-cluster', region: 'us-west-2', account: 'prod', accountId: PROD },
    });
    // Anywhere after the command, any case; a resource-looking word is not taken for the account.
    expect(parse('/assess', 'ACCOUNT:Staging rds orders-db')).toMatchObject({
      ok: true,
      params: { service: 'rds', resource: 'orders-db', account: 'staging' },
    });
    expect(parse('/logs', '/aws/lambda/checkout account:prod 15m')).toMatchObject({
      ok: true,
      params: { source: '/aws/lambda/checkout', range: '15m', account: 'prod' },
    });
  });

  it('tells the agent which account and role to use, with the external id, and never to fall back', () => {
    const r = parse('/chaos', 'rds orders-db account:staging');
    if (!r.ok) throw new Error(r.message);
    const prompt = r.route.prompt(r.params);
    expect(prompt).toContain('AWS account 210987654321 (alias "staging")');
    expect(prompt).toContain(
      'scripts/target-account.sh --profile staging --role-arn arn:aws:iam::210987654321:role/OpsRead --external-id ops-bot-7',
    );
    expect(prompt).toContain('--profile staging');
    expect(prompt).toMatch(/never fall back to your own account/);
    const home = parse('/chaos', 'rds orders-db');
    if (!home.ok) throw new Error(home.message);
    expect(home.route.prompt(home.params)).not.toContain('target-account.sh');
  });

  it('refuses an unknown alias, listing the known ones; nothing starts', () => {
    const r = parse('/assess', 'eks my-cluster account:prd');
    expect(r).toMatchObject({ ok: false, kind: 'invalid' });
    if (r.ok) return;
    expect(r.message).toContain(
      '`account:prd` is not an account I know. Known accounts: `prod` (111122223333), `staging` (210987654321).',
    );
    const none = parse('/assess', 'eks my-cluster account:prod', { home: HOME, others: [] });
    expect(!none.ok && none.message).toMatch(
      /no other accounts are configured \(an admin sets `TARGET_ACCOUNTS`\)/,
    );
    expect(parse('/assess', 'eks c account:prod account:staging')).toMatchObject({ ok: false });
  });

  it('refuses FIS in another account: experiments are prepared and run only in the bot’s own', () => {
    for (const text of ['run EXT1a2b3c4d5e6f7 account:prod', 'prepare stop one instance account:prod']) {
      const r = parse('/fis', text);
      expect(r.ok, text).toBe(false);
      if (!r.ok)
        expect(r.message).toContain(
          `FIS experiments are prepared and run only in this bot's own account (${HOME})`,
        );
    }
    const cost = parse('/cost', 'ec2 account:prod');
    expect(!cost.ok && cost.message).toContain(`\`/cost ${PROD}\``);
  });

  it('refuses a command that runs on another harness: only the default harness may assume the roles', () => {
    const r = parse('/logs', 'checkout account:prod', { ...accounts, unavailableFor: ['/logs'] });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.message).toContain(
        '`/logs` runs on its own harness, which cannot assume the other accounts’ read-only roles',
      );
    expect(parse('/assess', 'rds account:prod', { ...accounts, unavailableFor: ['/logs'] }).ok).toBe(true);
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1',
      HARNESS_ARN: `arn:aws:bedrock-agentcore:us-east-1:${HOME}:harness/ops-AbCdEf1234`,
      HARNESSES: JSON.stringify([{ id: 'logs', commands: ['/logs'], tools: [] }]),
      HARNESS_ARNS: `logs=arn:aws:bedrock-agentcore:us-east-1:${HOME}:harness/logs-AbCdEf1234`,
      TARGET_ACCOUNTS: `prod=${PROD}`,
    };
    expect(loadConfig(env).accounts.unavailableFor).toEqual(['/logs']);
  });

  it('says in the usage how to name an account, only when some are configured', () => {
    expect(usageFor('/assess', accounts)).toContain('`account:<alias>`');
    expect(usageFor('/assess', accounts)).toContain('`prod` (111122223333)');
    expect(usageFor('/assess')).not.toContain('account:');
    expect(usageFor('/fis', accounts)).not.toContain('account:');
  });

  it('shows the account on the root message: the alias and id, or the bot’s own', () => {
    const other = parse('/assess', 'eks my-cluster us-west-2 account:prod');
    const own = parse('/assess', 'eks my-cluster us-west-2');
    if (!other.ok || !own.ok) throw new Error('expected both to parse');
    expect(rootDetails(other.params)).toEqual([
      ['Region', 'us-west-2'],
      ['Account', `prod (${PROD})`],
    ]);
    expect(rootDetails(own.params)).toEqual([
      ['Region', 'us-west-2'],
      ['Account', `${HOME} (this bot's own)`],
    ]);
  });
});
