/**
 * CloudWatch alarm notifications posted by Amazon Q Developer in chat applications (formerly AWS
 * Chatbot): "The alarm <name> changed state to ALARM: <reason>" with a link to the alarm in the
 * CloudWatch console, whose URL carries the Region and the alarm's name; or the richer card
 * ("🚨 CRITICAL: <metric>", "Reason: …", the console link) that says no state word at all.
 */
import { type AlertFacts, cloudWatchState } from './facts.ts';
import type { AlertMessage } from './slack-message.ts';

/** The names Amazon Q Developer's (and AWS Chatbot's) app posts under. */
const AWS_SENDER = /\b(amazon q|aws chatbot|aws)\b/i;
const STATE = /\bchanged state to\s+(ALARM|OK|INSUFFICIENT_DATA)\b(?::\s*([^\n]+))?/i;
const NAMED = /\bThe alarm\s+(.+?)\s+changed state to\s+(?:ALARM|OK|INSUFFICIENT_DATA)\b/i;
/** AWS Chatbot's header line: "CloudWatch Alarm | <name> | <region> | Account: <id>". */
const HEADER = /CloudWatch Alarm \| ([^|\n]+?) \| ([a-z]{2}(?:-[a-z]+)+-\d) \| Account: (\d{12})/;
/**
 * The richer alarm card (recorded in test/fixtures/alerts/amazon-q-rds-card.json): a "🚨 CRITICAL: <metric>"
 * title and a "Reason:" line, but no state word. It only ever says CRITICAL for an alarm that fired, so
 * with a link to the alarm (which names it) it counts as ALARM.
 */
// An emoji may lead the title, as a character or as the shortcode Slack stores it as.
const CRITICAL_CARD = /^\s*(?:[^\s\w*]\S*\s*)?\**CRITICAL\b/m;
const REASON_LINE = /^\s*\**Reason:?\**\s*(.+)$/m;

export function parseAmazonQAlarm(m: AlertMessage): AlertFacts | undefined {
  const console = consoleAlarmUrl(m.all);
  const header = HEADER.exec(m.all);
  const stateMatch = STATE.exec(m.all) ?? /\bState:?\s*\*?(ALARM|OK|INSUFFICIENT_DATA)\b/.exec(m.all);
  const critical = !stateMatch && console?.name && CRITICAL_CARD.test(m.all);
  if ((!stateMatch && !critical) || (!console && !header)) return undefined;
  const rawState = stateMatch ? stateMatch[1]!.toUpperCase() : 'ALARM';
  const state = cloudWatchState(rawState);
  if (!state) return undefined;
  const name = NAMED.exec(m.all)?.[1]?.trim() ?? header?.[1]?.trim() ?? console?.name;
  if (!name) return undefined;
  const region = console?.region ?? header?.[2];
  return {
    source: 'amazon-q',
    confidence: AWS_SENDER.test(m.sender) && console ? 'verified' : 'lookalike',
    alarmKey: `cloudwatch/${region ?? '?'}/${name}`,
    name,
    state,
    rawState,
    reason: (stateMatch ? stateMatch[2] : REASON_LINE.exec(m.all)?.[1])?.trim(),
    region,
    account: header?.[3],
    dimensions: [],
    link: console?.url,
  };
}

/** The first link to an alarm in the CloudWatch console, with the Region and name it names. */
function consoleAlarmUrl(text: string): { url: string; region?: string; name?: string } | undefined {
  for (const candidate of text.match(/https:\/\/[^\s<>|]+/g) ?? []) {
    let url: URL;
    try {
      url = new URL(candidate);
    } catch {
      continue;
    }
    if (!/^([a-z0-9-]+\.)?console\.aws\.amazon\.com$/.test(url.hostname)) continue;
    if (url.pathname !== '/cloudwatch/home') continue;
    const hash = safeDecode(url.hash);
    const at = hash.indexOf('alarmsV2:alarm/');
    if (at < 0) continue;
    const name = hash
      .slice(at + 'alarmsV2:alarm/'.length)
      .split('?')[0]
      ?.trim();
    const region =
      url.searchParams.get('region') ?? /^([a-z0-9-]+)\.console\./.exec(url.hostname)?.[1] ?? undefined;
    return { url: url.toString(), region, name: name || undefined };
  }
  return undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
