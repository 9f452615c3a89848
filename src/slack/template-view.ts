/**
 * An FIS template as approvers read it: every action (with its parameters, targets, dependencies and
 * when it runs), every target (resource type, selection mode, ARNs, tags, filters, parameters), the
 * experiment options and the total duration from the action graph. Rendered in full when it fits on
 * the card; otherwise as one compact line per action and target, and, when even that does not fit,
 * as many as fit, always saying what is missing. `templateFile` renders everything, untruncated, for
 * the file attached next to the card.
 */
import type { ApprovalRecord } from '../core/approval-types.ts';
import { canonicalJson } from '../core/fingerprint.ts';
import type { FisTemplate } from '../core/fis.ts';
import { type ActionTiming, humanDuration, planTemplate, type TemplatePlan } from '../core/fis-plan.ts';
import type { ThreadFile } from '../core/ports.ts';
import { escapeMrkdwn } from './blocks.ts';

/** Characters of action and target lines on one card (Slack's cumulative block text cap is ~13,200). */
export const TEMPLATE_TEXT_BUDGET = 7_000;
/** One parameter value, tag or filter on the card; longer ones are in the file. */
const VALUE_CHARS = 160;

export interface TemplateView {
  plan: TemplatePlan;
  actionLines: string[];
  targetLines: string[];
  /** Empty when everything is on the card; otherwise what is not (said in bold on the card). */
  missing: string[];
}

export function templateView(t: FisTemplate, budget = TEMPLATE_TEXT_BUDGET): TemplateView {
  const plan = planTemplate(t);
  const actions = Object.entries(t.actions);
  const targets = Object.entries(t.targets);
  const clipped = { any: false };
  const full = {
    actions: actions.map(([n, a]) => actionLine(n, a, plan.actions.get(n)!, clipped)),
    targets: targets.map(([n, x]) => targetLine(n, x, clipped)),
  };
  if (size(full.actions) + size(full.targets) <= budget && !clipped.any) {
    return { plan, actionLines: full.actions, targetLines: full.targets, missing: [] };
  }
  const compact = {
    actions: actions.map(([n, a]) => compactAction(n, a, plan.actions.get(n)!)),
    targets: targets.map(([n, x]) => compactTarget(n, x)),
  };
  const missing = ['parameters, resource ARNs, tags and filters'];
  if (size(compact.actions) + size(compact.targets) <= budget) {
    return { plan, actionLines: compact.actions, targetLines: compact.targets, missing };
  }
  // Even one line each does not fit: show as many as fit, half the room each, and count the rest.
  const actionLines = linesWithin(compact.actions, Math.max(budget / 2, budget - size(compact.targets)));
  const targetLines = linesWithin(compact.targets, budget - size(actionLines));
  if (actionLines.length < actions.length)
    missing.push(`${actions.length - actionLines.length} of ${actions.length} actions`);
  if (targetLines.length < targets.length)
    missing.push(`${targets.length - targetLines.length} of ${targets.length} targets`);
  return { plan, actionLines, targetLines, missing };
}

/** "5 min in total", or "at least …" when some actions have no duration parameter. */
export function totalDuration(plan: TemplatePlan): string {
  const total = humanDuration(plan.totalSeconds);
  if (plan.actions.size === 0) return 'no actions';
  if (plan.withoutDuration.length === plan.actions.size) return 'not stated (no action has a duration)';
  return plan.withoutDuration.length > 0 ? `at least ${total}` : total;
}

function actionLine(
  name: string,
  a: FisTemplate['actions'][string],
  timing: ActionTiming,
  clipped: { any: boolean },
): string {
  const params = Object.entries(a.parameters ?? {}).map(([k, v]) => `${k}=${value(v, clipped)}`);
  const targets = Object.entries(a.targets ?? {}).map(([k, v]) => `${k}: ${v}`);
  const parts = [`• *${escapeMrkdwn(name)}*: \`${escapeMrkdwn(a.actionId ?? '?')}\` ${when(timing)}`];
  if (params.length) parts.push(`parameters ${escapeMrkdwn(params.join(', '))}`);
  if (targets.length) parts.push(`on ${escapeMrkdwn(targets.join(', '))}`);
  if (a.startAfter?.length) parts.push(`after ${escapeMrkdwn(a.startAfter.join(', '))}`);
  return parts.join(' · ');
}

function compactAction(name: string, a: FisTemplate['actions'][string], timing: ActionTiming): string {
  const after = a.startAfter?.length ? ` · after ${escapeMrkdwn(a.startAfter.join(', '))}` : '';
  return `• *${escapeMrkdwn(name)}*: \`${escapeMrkdwn(a.actionId ?? '?')}\` ${when(timing)}${after}`;
}

function targetLine(name: string, x: FisTemplate['targets'][string], clipped: { any: boolean }): string {
  const parts = [
    `• *${escapeMrkdwn(name)}*: \`${escapeMrkdwn(x.resourceType ?? '?')}\`, selection *${escapeMrkdwn(x.selectionMode ?? '?')}*`,
  ];
  if (x.resourceArns?.length)
    parts.push(`resources ${x.resourceArns.map((r) => `\`${escapeMrkdwn(value(r, clipped))}\``).join(', ')}`);
  const tags = Object.entries(x.resourceTags ?? {});
  if (tags.length)
    parts.push(`tags ${escapeMrkdwn(tags.map(([k, v]) => `${k}=${value(v, clipped)}`).join(', '))}`);
  for (const f of x.filters ?? [])
    parts.push(
      `filter ${escapeMrkdwn(`${f.path ?? '?'} in ${value((f.values ?? []).join(', '), clipped)}`)}`,
    );
  const params = Object.entries(x.parameters ?? {});
  if (params.length)
    parts.push(`parameters ${escapeMrkdwn(params.map(([k, v]) => `${k}=${value(v, clipped)}`).join(', '))}`);
  if (!x.resourceArns?.length && !tags.length && !params.length && !(x.filters ?? []).length) {
    parts.push('*no resource selector: every resource of this type*');
  }
  return parts.join(' · ');
}

function compactTarget(name: string, x: FisTemplate['targets'][string]): string {
  const scope: string[] = [];
  if (x.resourceArns?.length)
    scope.push(`${x.resourceArns.length} listed resource${x.resourceArns.length === 1 ? '' : 's'}`);
  const tags = Object.keys(x.resourceTags ?? {}).length;
  if (tags) scope.push(`${tags} tag${tags === 1 ? '' : 's'}`);
  if (x.filters?.length) scope.push(`${x.filters.length} filter${x.filters.length === 1 ? '' : 's'}`);
  if (Object.keys(x.parameters ?? {}).length) scope.push('parameters');
  return `• *${escapeMrkdwn(name)}*: \`${escapeMrkdwn(x.resourceType ?? '?')}\`, selection *${escapeMrkdwn(x.selectionMode ?? '?')}*${scope.length ? ` (${scope.join(', ')})` : ' · *no resource selector*'}`;
}

function when(t: ActionTiming): string {
  const span = `${clock(t.start)}→${clock(t.end)}`;
  return t.seconds === undefined
    ? `(${span}, no duration: counted as instant)`
    : `(${span}, ${humanDuration(t.seconds)})`;
}

/** Minutes:seconds (or h:mm:ss) after the experiment starts. */
function clock(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.round(s % 60);
  const mm = String(m).padStart(h ? 2 : 1, '0');
  return `${h ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

function value(v: unknown, clipped: { any: boolean }): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  if (s.length <= VALUE_CHARS) return s;
  clipped.any = true;
  return `${s.slice(0, VALUE_CHARS - 1)}…`;
}

function size(lines: string[]): number {
  return lines.reduce((n, l) => n + l.length + 1, 0);
}

function linesWithin(lines: string[], budget: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (const l of lines) {
    if (used + l.length + 1 > budget) break;
    out.push(l);
    used += l.length + 1;
  }
  return out;
}

/** The whole template, untruncated, as the Markdown file attached next to a card that cannot hold it. */
export function templateFile(a: ApprovalRecord): ThreadFile {
  const t = a.template;
  const plan = planTemplate(t);
  const lines = [
    `# FIS experiment template ${t.id}`,
    '',
    `- Region: ${a.region}`,
    `- Fingerprint: ${a.fingerprint} (the exact template an approval starts; any change invalidates it)`,
    `- Approval: ${a.id}`,
    `- Description: ${t.description ?? '(none)'}`,
    `- Role: ${t.roleArn ?? '(none)'}`,
    `- Total duration from the action graph: ${totalDuration(plan)}`,
    ...Object.entries(t.experimentOptions ?? {}).map(([k, v]) => `- ${k}: ${v}`),
    '',
    `## Actions (${plan.actions.size})`,
    '',
    '| # | Action | Action id | Starts | Ends | Duration | After | Targets | Parameters |',
    '|---|---|---|---|---|---|---|---|---|',
    ...Object.entries(t.actions).map(([n, x], i) => {
      const tm = plan.actions.get(n)!;
      return `| ${i + 1} | ${cell(n)} | ${cell(x.actionId ?? '?')} | ${clock(tm.start)} | ${clock(tm.end)} | ${tm.seconds === undefined ? 'none (instant)' : humanDuration(tm.seconds)} | ${cell((x.startAfter ?? []).join(', '))} | ${cell(
        Object.entries(x.targets ?? {})
          .map(([k, v]) => `${k}: ${v}`)
          .join(', '),
      )} | ${cell(
        Object.entries(x.parameters ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(', '),
      )} |`;
    }),
    '',
    `## Targets (${Object.keys(t.targets).length})`,
    '',
    ...Object.entries(t.targets).flatMap(([n, x]) => [
      `### ${n}`,
      '',
      `- Resource type: ${x.resourceType ?? '?'}`,
      `- Selection mode: ${x.selectionMode ?? '?'}`,
      ...(x.resourceArns ?? []).map((r) => `- Resource: ${r}`),
      ...Object.entries(x.resourceTags ?? {}).map(([k, v]) => `- Tag: ${k}=${v}`),
      ...(x.filters ?? []).map((f) => `- Filter: ${f.path ?? '?'} in ${(f.values ?? []).join(', ')}`),
      ...Object.entries(x.parameters ?? {}).map(([k, v]) => `- Parameter: ${k}=${v}`),
      '',
    ]),
    '## Stop conditions',
    '',
    ...t.stopConditions.map((s) => `- ${s.source ?? '?'}: ${s.value ?? ''}`),
    '',
    '## The template as read from FIS (canonical JSON, as fingerprinted)',
    '',
    '```json',
    JSON.stringify(JSON.parse(canonicalJson(t)), null, 2),
    '```',
    '',
  ];
  return {
    filename: `fis-template-${t.id}.md`,
    title: `FIS template ${t.id}, complete (${a.fingerprint.slice(0, 19)}…)`,
    content: lines.join('\n'),
  };
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ') || '–';
}
