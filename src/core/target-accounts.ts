/**
 * Other AWS accounts a command may read, by alias (TARGET_ACCOUNTS). The agent reads such an account through a
 * read-only role there (deploy/lib/target-account-stack.ts is its template); the bot's own account needs no
 * alias. Pure: parsing, lookup and the words the agent and the user are given.
 */

/** The role name the target-account template deploys by default; an alias naming only an account id uses it. */
export const DEFAULT_TARGET_ROLE_NAME = 'AgentCoreSlackBotReadOnly';

export interface TargetAccount {
  alias: string;
  accountId: string;
  /** The read-only role the agent assumes there. */
  roleArn: string;
}

export interface Accounts {
  /** The bot's own account (where the harness and the FIS roles are), when known. */
  home?: string;
  others: readonly TargetAccount[];
  /** External id the target-account roles were deployed with (a confused-deputy guard, not a secret). */
  externalId?: string;
  /**
   * Commands that run on another harness (HARNESSES): the accounts' read-only roles trust only the default
   * harness's role, so these cannot name an account.
   */
  unavailableFor?: readonly string[];
}

export const NO_ACCOUNTS: Accounts = { others: [] };

const ALIAS = /^[a-z][a-z0-9-]{0,31}$/;
const ACCOUNT_ID = /^\d{12}$/;
const ROLE_ARN = /^arn:(aws[a-z-]*):iam[:]{2}(\d{12}):role\/[\w+=,.@/-]{1,512}$/;

/**
 * `prod=111122223333,staging=arn:aws:iam::210987654321:role/OpsRead`: alias=account id (the default role name
 * there) or alias=role ARN. Returns the accounts, or every problem found.
 */
export function parseTargetAccounts(raw: string, partition = 'aws'): TargetAccount[] | string[] {
  const problems: string[] = [];
  const out: TargetAccount[] = [];
  const seen = new Set<string>();
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const alias = eq < 0 ? part : part.slice(0, eq).trim().toLowerCase();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (!ALIAS.test(alias)) {
      problems.push(
        `"${part}": the alias must start with a letter and have up to 32 lower-case letters, digits and -`,
      );
      continue;
    }
    if (seen.has(alias)) {
      problems.push(`the alias "${alias}" is given twice`);
      continue;
    }
    seen.add(alias);
    const arn = ROLE_ARN.exec(value);
    if (ACCOUNT_ID.test(value)) {
      out.push({
        alias,
        accountId: value,
        roleArn: ['arn', partition, 'iam', '', value, `role/${DEFAULT_TARGET_ROLE_NAME}`].join(':'),
      });
    } else if (arn) {
      out.push({ alias, accountId: arn[2]!, roleArn: value });
    } else {
      problems.push(
        `"${part}": give alias=<12-digit account id> or alias=<role ARN> (arn:aws:iam::<account>:role/<name>)`,
      );
    }
  }
  return problems.length > 0 ? problems : out;
}

/** The token that names an account in a command: `account:<alias>`. */
export const ACCOUNT_TOKEN = /^account:(.*)$/i;

/**
 * The account a command's words name (`account:<alias>`), and the words without it; or why it cannot be named:
 * several named, an unknown alias, a command that works only in the bot's own account (`mayUseOthers` false), or one
 * that runs on a harness the accounts' roles do not trust.
 */
export function namedAccount(
  command: string,
  mayUseOthers: boolean,
  words: readonly string[],
  accounts: Accounts,
): { target?: TargetAccount; rest: string[] } | string {
  const named = words.filter((t) => ACCOUNT_TOKEN.test(t));
  if (named.length === 0) return { rest: [...words] };
  if (named.length > 1) return 'Name one account (`account:<alias>`), not several.';
  const alias = ACCOUNT_TOKEN.exec(named[0]!)![1]!.toLowerCase();
  const target = accounts.others.find((a) => a.alias === alias);
  if (!mayUseOthers) return ownAccountOnly(command, accounts, target);
  if (!target) return unknownAlias(alias, accounts);
  if (accounts.unavailableFor?.includes(command)) {
    return `\`${command}\` runs on its own harness, which cannot assume the other accounts’ read-only roles (they trust the default harness only), so nothing was started. Leave \`account:\` out to work in this bot's own account.`;
  }
  return { target, rest: words.filter((t) => t !== named[0]) };
}

/** The params a run in `target` (or, without one, in the bot's own account) carries. */
export function accountParams(target: TargetAccount | undefined, accounts: Accounts): Record<string, string> {
  if (!target) return accounts.home ? { accountId: accounts.home } : {};
  return {
    account: target.alias,
    accountId: target.accountId,
    accountRoleArn: target.roleArn,
    ...(accounts.externalId ? { accountExternalId: accounts.externalId } : {}),
  };
}

/** Why a command that works only in the bot's own account refuses `account:<alias>`, and what to do instead. */
function ownAccountOnly(command: string, accounts: Accounts, target: TargetAccount | undefined): string {
  const home = accounts.home ? ` (${accounts.home})` : '';
  if (command === '/fis') {
    return `FIS experiments are prepared and run only in this bot's own account${home}: the experiment role, the start role and the approval gate exist only there, so \`account:\` is refused and nothing was started. Leave it out; a multi-account experiment is a template in this account whose target accounts the approval card lists.`;
  }
  if (command === '/cost') {
    return `\`/cost\` reads billing data through this bot's own account${home}. For a linked account, name its id instead of an alias${target ? `: \`/cost ${target.accountId}\`` : ''}.`;
  }
  return `\`${command}\` works only in this bot's own account${home}; leave \`account:\` out.`;
}

/** Why `alias` names no account, with the ones there are. */
function unknownAlias(typed: string, accounts: Accounts): string {
  // What the user typed, shown in code: without backticks, and short.
  const alias = typed.replace(/`/g, "'").slice(0, 40);
  if (accounts.others.length === 0) {
    return `\`account:${alias}\` names no account: this bot reads only its own account${accounts.home ? ` (${accounts.home})` : ''}, and no other accounts are configured (an admin sets \`TARGET_ACCOUNTS\`). Leave \`account:\` out.`;
  }
  const known = accounts.others.map((a) => `\`${a.alias}\` (${a.accountId})`).join(', ');
  return `\`account:${alias}\` is not an account I know. Known accounts: ${known}. Without \`account:\`, I work in this bot's own account${accounts.home ? ` (${accounts.home})` : ''}.`;
}

/** Params the parser adds when a command names an account. */
export interface AccountParams {
  account?: string;
  accountId?: string;
  accountRoleArn?: string;
}

/** The root message's line for the account a run works in (the parser sets accountId, alias or not). */
export function accountDetail(p: AccountParams): [string, string] | undefined {
  if (!p.accountId) return undefined;
  return ['Account', p.account ? `${p.account} (${p.accountId})` : `${p.accountId} (this bot's own)`];
}

/**
 * What the agent is told to do for a run in another account: assume the role there through the skill's
 * helper, which writes an AWS CLI profile named after the alias, and use that profile for every call.
 */
export function accountInstructions(p: AccountParams, externalId: string | undefined): string {
  if (!p.account || !p.accountId || !p.accountRoleArn) return '';
  const setup = [
    'bash scripts/target-account.sh',
    `--profile ${p.account}`,
    `--role-arn ${p.accountRoleArn}`,
    ...(externalId ? [`--external-id ${externalId}`] : []),
  ].join(' ');
  return (
    `\n\nThis request is about AWS account ${p.accountId} (alias "${p.account}"), not the account your own credentials are in. ` +
    `First run \`${setup}\` from the skill's folder: it sets up the AWS CLI profile "${p.account}", which assumes the read-only role there. ` +
    `Then pass --profile ${p.account} to every AWS CLI command and run the skill's scripts (kube.sh included) with AWS_PROFILE=${p.account} in front. ` +
    `If that role cannot be assumed, say so and stop: never fall back to your own account. Say in the report which account the findings are from.`
  );
}
