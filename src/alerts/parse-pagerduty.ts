/**
 * Incident messages of PagerDuty's Slack app: a link to the incident
 * (`https://<subdomain>.pagerduty.com/incidents/<id>`) labelled with its number and title, and its
 * status (Triggered, Acknowledged, Resolved).
 */
import type { AlertFacts, AlertState } from './facts.ts';
import type { AlertMessage } from './slack-message.ts';

const INCIDENT = /https:\/\/([a-z0-9-]+)\.pagerduty\.com\/incidents\/([A-Z0-9]+)(?:\|([^>\n]+))?/i;
const STATUS = /\b(Triggered|Acknowledged|Resolved)\b/i;

export function parsePagerDuty(m: AlertMessage): AlertFacts | undefined {
  const incident = INCIDENT.exec(m.all);
  const status = STATUS.exec(m.all);
  if (!incident || !status) return undefined;
  const [, subdomain, id, label] = incident;
  const word = status[1]!.toLowerCase();
  const state: AlertState = word === 'resolved' ? 'ok' : word === 'acknowledged' ? 'acknowledged' : 'firing';
  const title = (label ?? m.attachments[0]?.title ?? '').replace(/^\[?#\d+\]?:?\s*/, '').trim();
  const number = /#(\d+)/.exec(label ?? m.all)?.[1];
  const service = /\bService:?\*?\s*\*?([^\n*]+)/.exec(m.all)?.[1]?.trim();
  return {
    source: 'pagerduty',
    confidence: /\bpagerduty\b/i.test(m.sender) ? 'verified' : 'lookalike',
    alarmKey: `pagerduty:${subdomain}:${id}`,
    name: title || `incident ${id}`,
    state,
    rawState: status[1]!,
    service,
    labels: number ? { incident: `#${number}` } : undefined,
    dimensions: [],
    link: `https://${subdomain}.pagerduty.com/incidents/${id}`,
  };
}
