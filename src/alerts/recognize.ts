/**
 * Recognises an alarm notification in another app's Slack message, trying each known format. A
 * message in none of them is not an alarm (undefined), quietly.
 */
import type { AlertFacts } from './facts.ts';
import { parseAlertmanager } from './parse-alertmanager.ts';
import { parseAmazonQAlarm } from './parse-amazon-q.ts';
import { parsePagerDuty } from './parse-pagerduty.ts';
import { parseSnsAlarm } from './parse-sns.ts';
import { readMessage, type SlackMessageEvent } from './slack-message.ts';

/** Most specific first: raw JSON, then the attachment layout, then the link-based formats. */
const PARSERS = [parseSnsAlarm, parseAlertmanager, parseAmazonQAlarm, parsePagerDuty];

export function recognizeAlert(event: SlackMessageEvent): AlertFacts | undefined {
  const message = readMessage(event);
  for (const parse of PARSERS) {
    const facts = parse(message);
    if (facts) return facts;
  }
  return undefined;
}
