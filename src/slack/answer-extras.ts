/**
 * What a finished answer carries below its text: the step timeline (every tool call with its
 * duration and whether it worked, kept after the answer instead of a status line that disappears)
 * and Slack's standard feedback buttons.
 *
 * The timeline is one section block with `expand: false`: Slack shows a long list collapsed behind
 * "See more", so a turn with many steps stays readable and the full list is one click away.
 */
import type { ReplyView, StepLine } from '../core/reply-view.ts';
import { formatMs } from '../core/step-timeline.ts';
import { SLACK_LIMITS } from './limits.ts';

type Block = Record<string, unknown>;

export const ACTION_FEEDBACK = 'answer_feedback';

/** `room`: block text the message has left; the list is cut (saying how many more) to fit it. */
export function stepsBlock(steps: StepLine[], pastTense: (label: string) => string, room: number): Block {
  const failed = steps.filter((s) => s.state === 'failed').length;
  const head = `*Steps* · ${steps.length} tool call${steps.length === 1 ? '' : 's'}${failed ? `, ${failed} failed` : ''}`;
  const lines: string[] = [];
  const cap = Math.max(0, Math.min(SLACK_LIMITS.sectionText, room));
  let used = head.length;
  for (const [i, s] of steps.entries()) {
    const icon = s.state === 'done' ? ':white_check_mark:' : s.state === 'failed' ? ':x:' : ':grey_question:';
    const what = s.state === 'running' ? `${s.label} (did not finish)` : pastTense(s.label);
    const line = `${icon} ${what} · ${formatMs(s.ms)}`;
    // The section holds 3,000 characters: say how many more there were rather than cut a line.
    if (used + line.length + 40 > cap) {
      lines.push(`_…and ${steps.length - i} more_`);
      break;
    }
    lines.push(line);
    used += line.length + 1;
  }
  return { type: 'section', expand: false, text: { type: 'mrkdwn', text: [head, ...lines].join('\n') } };
}

/** Helpful / not helpful on a final answer; each value names the thread and the verdict. */
export function feedbackBlock(value: string): Block {
  return {
    type: 'context_actions',
    elements: [
      {
        type: 'feedback_buttons',
        action_id: ACTION_FEEDBACK,
        positive_button: {
          text: { type: 'plain_text', text: 'Helpful' },
          value: `good|${value}`,
          accessibility_label: 'Mark this answer as helpful',
        },
        negative_button: {
          text: { type: 'plain_text', text: 'Not helpful' },
          value: `bad|${value}`,
          accessibility_label: 'Mark this answer as not helpful',
        },
      },
    ],
  };
}

/** The blocks a result adds after its footer, within `room` characters of block text. */
export function answerExtras(
  r: NonNullable<ReplyView['result']>,
  pastTense: (l: string) => string,
  room: number,
): Block[] {
  return [
    ...(r.steps && r.steps.length > 0 ? [stepsBlock(r.steps, pastTense, room)] : []),
    ...(r.feedbackValue ? [feedbackBlock(r.feedbackValue)] : []),
  ];
}
