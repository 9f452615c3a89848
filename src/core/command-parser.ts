/**
 * Parsing a slash command's text against the registry (commands.ts): pure, and every argument is validated before
 * anything is posted or invoked. A bad command gets the problem and the command's usage.
 */
import { type CommandRoute, type Params, ROUTES, truncate } from './commands.ts';
import { isKnownRegion, looksLikeRegion } from './regions.ts';
import { type Accounts, accountParams, NO_ACCOUNTS, namedAccount } from './target-accounts.ts';

export const DEFAULT_TIME_RANGE = '1h';
const TIME_RANGE = /^(\d{1,3})([mhd])$/;
const MAX_RANGE_MINUTES = 30 * 24 * 60;

export type ParseResult =
  | { ok: true; route: CommandRoute; params: Params }
  | { ok: false; kind: 'help' | 'invalid'; message: string };

/**
 * Parse the text of a slash command. `defaultRegion` fills a missing region; `fisRegions` (when set) are the only
 * regions an FIS run may target; `accounts` are the other accounts a command may name (`account:<alias>`).
 */
export function parseCommand(
  command: string,
  text: string,
  defaultRegion: string,
  fisRegions: readonly string[] = [],
  accounts: Accounts = NO_ACCOUNTS,
): ParseResult {
  const routes = ROUTES.filter((r) => r.command === command);
  if (routes.length === 0) return { ok: false, kind: 'invalid', message: `Unknown command \`${command}\`.` };
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  const first = tokens[0]?.toLowerCase();
  if (!first || first === 'help') return { ok: false, kind: 'help', message: usageFor(command, accounts) };

  const route = routes.find((r) => r.sub === first) ?? routes.find((r) => r.sub === undefined);
  if (!route) {
    return invalid(command, `\`${tokens[0]}\` is not a \`${command}\` subcommand.`, accounts);
  }
  const rest = route.sub ? tokens.slice(1) : tokens;
  if (rest[0]?.toLowerCase() === 'help')
    return { ok: false, kind: 'help', message: usageFor(command, accounts) };
  const named = namedAccount(command, route.otherAccounts === true, rest, accounts);
  if (typeof named === 'string') return invalid(command, named, accounts);
  const result = parseArgs(
    route,
    named.rest,
    route.sub ? text.trim().slice(tokens[0]!.length).trim() : text.trim(),
  );
  if (typeof result === 'string') return invalid(command, result, accounts);
  result.region ??= defaultRegion;
  if (route.fisRegionsOnly && fisRegions.length > 0 && !fisRegions.includes(result.region)) {
    return invalid(
      command,
      `FIS experiments run only in ${fisRegions.map((r) => `\`${r}\``).join(', ')}, where this bot's FIS roles are deployed; \`${result.region}\` is not one of them. Name one of those regions, or deploy another bot stack in \`${result.region}\` for experiments there.`,
      accounts,
    );
  }
  if (route.args.some((a) => a.kind === 'timeRange')) result.range ??= DEFAULT_TIME_RANGE;
  Object.assign(result, accountParams(named.target, accounts));
  return { ok: true, route, params: result };
}

function parseArgs(route: CommandRoute, tokens: string[], rawRest: string): Params | string {
  const params: Params = {};
  const specs = route.args;
  const textSpec = specs.find((a) => a.kind === 'text');
  if (textSpec) {
    const value = rawRest.trim();
    if (!value) return `Say ${textSpec.hint ?? textSpec.name}.`;
    if (textSpec.maxLength && value.length > textSpec.maxLength) {
      return `The description is ${value.length} characters long; keep it under ${textSpec.maxLength}.`;
    }
    params[textSpec.name] = value;
    return params;
  }
  const rest = [...tokens];
  const regionSpec = specs.find((a) => a.kind === 'region');
  const last = rest.at(-1);
  if (regionSpec && last && looksLikeRegion(last.toLowerCase())) {
    const region = last.toLowerCase();
    if (!isKnownRegion(region)) return `\`${last}\` is not an AWS Region I know (for example \`us-west-2\`).`;
    params[regionSpec.name] = region;
    rest.pop();
  }
  const rangeSpec = specs.find((a) => a.kind === 'timeRange');
  const maybeRange = rest.at(-1);
  if (rangeSpec && maybeRange && TIME_RANGE.test(maybeRange.toLowerCase()) && rest.length > 1) {
    const problem = checkRange(maybeRange.toLowerCase());
    if (problem) return problem;
    params[rangeSpec.name] = maybeRange.toLowerCase();
    rest.pop();
  }
  for (const spec of specs.filter((a) => a.kind === 'word')) {
    const value = rest.shift();
    if (value === undefined) {
      if (spec.required) return `Missing ${spec.hint ?? spec.name}.`;
      if (spec.fallback !== undefined) params[spec.name] = spec.fallback;
      continue;
    }
    if (looksLikeRegion(value.toLowerCase())) {
      return `\`${value}\` looks like a Region, but the Region goes last.`;
    }
    if (spec.pattern && !spec.pattern.test(value)) {
      return `\`${truncate(value, 80)}\` is not ${spec.hint ?? `a valid ${spec.name}`}.`;
    }
    params[spec.name] = spec.name === 'service' || spec.fallback ? value.toLowerCase() : value;
  }
  if (rest.length > 0) return `Unexpected \`${truncate(rest.join(' '), 80)}\`.`;
  return params;
}

function checkRange(range: string): string | undefined {
  const m = TIME_RANGE.exec(range)!;
  const n = Number(m[1]);
  const minutes = n * ({ m: 1, h: 60, d: 1440 } as const)[m[2] as 'm' | 'h' | 'd'];
  if (n === 0 || minutes < 5 || minutes > MAX_RANGE_MINUTES) {
    return `The time range \`${range}\` must be between 5m and 30d (for example 15m, 1h, 24h, 7d).`;
  }
  return undefined;
}

function invalid(command: string, problem: string, accounts: Accounts): ParseResult {
  return { ok: false, kind: 'invalid', message: `${problem}\n\n${usageFor(command, accounts)}` };
}

/** Usage text for one slash command, in Slack mrkdwn. */
export function usageFor(command: string, accounts: Accounts = NO_ACCOUNTS): string {
  const routes = ROUTES.filter((r) => r.command === command);
  const lines = routes.map((r) => `• \`${r.usage}\`: ${r.description}\n   e.g. \`${r.example}\``);
  const regionNote = routes.some((r) => r.args.some((a) => a.kind === 'region'))
    ? '\nThe Region is optional; without it the configured default Region is used.'
    : '';
  const rangeNote = routes.some((r) => r.args.some((a) => a.kind === 'timeRange'))
    ? `\nTime range: 15m, 1h, 24h, 7d and similar (default ${DEFAULT_TIME_RANGE}).`
    : '';
  const accountNote =
    accounts.others.length > 0 &&
    !accounts.unavailableFor?.includes(command) &&
    routes.some((r) => r.otherAccounts)
      ? `\nAdd \`account:<alias>\` to work in another account: ${accounts.others.map((a) => `\`${a.alias}\` (${a.accountId})`).join(', ')}; without it, this bot's own account.`
      : '';
  return `*Usage of \`${command}\`*\n${lines.join('\n')}${regionNote}${rangeNote}${accountNote}`;
}
