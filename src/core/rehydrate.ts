/**
 * Rebuilding a conversation when its harness session expired (idle timeout, recycled microVM): the
 * thread moves to a new runtime session whose first message carries a compact log of earlier turns.
 */
import type { TurnLogEntry } from './ports.ts';

const PROMPT_CHARS = 1_500;
const ANSWER_CHARS = 2_500;
const TOTAL_CHARS = 12_000;

export function rehydrationPrompt(turns: TurnLogEntry[], prompt: string): string {
  const lines: string[] = [];
  let used = 0;
  // Newest turns matter most: fill from the end, then restore the order.
  for (const t of [...turns].reverse()) {
    const entry = `User <@${t.user}> asked:\n${clip(t.prompt, PROMPT_CHARS)}\n\nYou answered:\n${clip(t.answer, ANSWER_CHARS)}`;
    if (used + entry.length > TOTAL_CHARS) break;
    lines.unshift(entry);
    used += entry.length;
  }
  return [
    'Context: this Slack thread continues an earlier conversation whose agent session expired, so its',
    "history is restored below from the bot's turn log (summarised; re-run any command whose live output you need).",
    '',
    ...lines.map((l, i) => `--- Earlier turn ${i + 1} ---\n${l}`),
    '',
    '--- The new message ---',
    prompt,
  ].join('\n');
}

/** What the turn log keeps of an answer: its beginning and its end. */
export function excerpt(text: string, max = ANSWER_CHARS): string {
  if (text.length <= max) return text;
  const half = Math.floor(max / 2) - 10;
  return `${text.slice(0, half)}\n[…]\n${text.slice(-half)}`;
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
