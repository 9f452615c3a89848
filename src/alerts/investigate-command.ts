/**
 * `/investigate <alarm name or ARN> [region]`: CloudWatch alarm names may contain spaces, so everything
 * before an optional trailing Region is the name. An ARN names its own Region.
 */
import { isKnownRegion, looksLikeRegion } from '../core/regions.ts';
import { parseAlarmArn } from './facts.ts';

export const INVESTIGATE_USAGE =
  '*Usage of `/investigate`*\n• `/investigate <alarm name or ARN> [region]`: investigate a CloudWatch alarm (logs around its last state change, and a review of the resource it watches)\n   e.g. `/investigate checkout-5xx us-east-1`\nThe Region is optional; without it the configured default Region is used.';

export type InvestigateArgs =
  | { ok: true; name: string; region: string }
  | { ok: false; kind: 'help' | 'invalid'; message: string };

export function parseInvestigate(text: string, defaultRegion: string): InvestigateArgs {
  const raw = text.trim();
  if (!raw || raw.toLowerCase() === 'help') return { ok: false, kind: 'help', message: INVESTIGATE_USAGE };
  const tokens = raw.split(/\s+/);
  // The skill commands' `account:<alias>` does not apply here: the bot reads alarms with its own role, in
  // its own account. Said plainly, rather than looking for an alarm called "… account:prod".
  const account = tokens.find((t) => /^account:/i.test(t));
  if (account) {
    return invalid(
      `\`${account}\`: \`/investigate\` reads alarms in this bot's own account only. For an alarm in another account, use *Investigate* on its alert note in the channel that account's alarms post to, or ask the agent in a thread (for example \`/assess … ${account}\`).`,
    );
  }
  const arn = parseAlarmArn(tokens[0]!);
  if (arn) {
    if (tokens.length > 1) {
      return invalid(
        'An alarm ARN names its own Region; give nothing after it (for an alarm name with spaces, give the name and the Region instead).',
      );
    }
    if (!isKnownRegion(arn.region))
      return invalid(`\`${arn.region}\` in that ARN is not an AWS Region I know.`);
    return { ok: true, name: arn.name, region: arn.region };
  }
  if (/^arn:/i.test(tokens[0]!))
    return invalid('That is not a CloudWatch alarm ARN (`arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME`).');
  let region = defaultRegion;
  const last = tokens.at(-1)!;
  if (tokens.length > 1 && looksLikeRegion(last.toLowerCase())) {
    if (!isKnownRegion(last.toLowerCase()))
      return invalid(`\`${last}\` is not an AWS Region I know (for example \`us-west-2\`).`);
    region = last.toLowerCase();
    tokens.pop();
  }
  const name = tokens.join(' ');
  // CloudWatch's limit for alarm names; control characters are never part of one.
  if (name.length > 255)
    return invalid(`That alarm name is ${name.length} characters long; CloudWatch allows 255.`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(name)) return invalid('An alarm name cannot contain control characters.');
  return { ok: true, name, region };
}

function invalid(problem: string): InvestigateArgs {
  return { ok: false, kind: 'invalid', message: `${problem}\n\n${INVESTIGATE_USAGE}` };
}
