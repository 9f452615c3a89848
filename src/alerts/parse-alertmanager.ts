/**
 * Alertmanager's Slack notifications with its default template: one attachment whose title is
 * `[FIRING:<n>] <group label values> (<other common label values>)` (or `[RESOLVED] …`), linked to
 * `<external URL>/#/alerts?receiver=<receiver>`, posted under the username "Alertmanager".
 */
import type { AlertFacts } from './facts.ts';
import type { AlertMessage } from './slack-message.ts';

const SUBJECT = /^\[(FIRING|RESOLVED)(?::(\d+))?\]\s+(.+?)\s*(?:\((.*)\))?\s*$/;

export function parseAlertmanager(m: AlertMessage): AlertFacts | undefined {
  for (const a of m.attachments) {
    const title = a.title?.trim();
    const s = title ? SUBJECT.exec(title) : undefined;
    if (!s) continue;
    const link = a.titleLink;
    const receiver = link ? receiverOf(link) : undefined;
    const group = s[3]!.trim();
    const common = s[4]?.trim();
    const firing = s[1] === 'FIRING';
    return {
      source: 'alertmanager',
      confidence: m.sender === 'Alertmanager' && receiver !== undefined ? 'verified' : 'lookalike',
      alarmKey: `alertmanager:${receiver ?? '?'}:${group}`,
      name: group,
      state: firing ? 'firing' : 'ok',
      rawState: s[2] ? `${s[1]}:${s[2]}` : s[1]!,
      description: a.text || undefined,
      labels: {
        'group label values': group,
        ...(common ? { 'other common label values': common } : {}),
        ...(s[2] ? { 'alerts firing': s[2] } : {}),
        ...(receiver ? { receiver } : {}),
      },
      dimensions: [],
      link,
    };
  }
  return undefined;
}

function receiverOf(link: string): string | undefined {
  const at = link.indexOf('#/alerts?');
  if (at < 0) return undefined;
  const receiver = new URLSearchParams(link.slice(at + '#/alerts?'.length)).get('receiver');
  return receiver ?? undefined;
}
