/**
 * Plays a scenario's script as the agent's loop in a session: frames go to the client while it is
 * connected, but the loop runs to its end (or until StopRuntimeSession) whether anyone listens or not.
 * It also keeps what the agent said in the session's conversation and the reasoning of a message
 * paused on an inline call, which the resume must replay intact.
 */
import type { ServerResponse } from 'node:http';
import type { RuntimeSession } from './harness-sessions.ts';
import type { Step } from './harness-types.ts';
import type { HarnessRequestBody } from './harness-validate.ts';
import { errorFrame, frame, type HttpError } from './harness-wire.ts';

export async function playScript(
  steps: Step[],
  res: ServerResponse,
  gone: () => boolean,
  session: RuntimeSession,
  stopped: AbortSignal,
  o: {
    timeScale?: number;
    onEvent?: (sessionId: string, step: { event: string; data: unknown }, at: number) => void;
  },
): Promise<void> {
  const scale = o.timeScale ?? 1;
  // Steps keep the agent's clock: each delay ends at its time from the start of the script, so a
  // timer that fired late (a busy event loop) is caught up at the next step rather than delaying
  // every later one. A model writes at its own rate whether or not the emulator's loop was late.
  let due = Date.now();
  // The agent's loop runs to its end even when nobody listens; only the session's end stops it.
  const write = (b: Buffer) => {
    if (!gone() && !res.writableEnded) res.write(b);
  };
  let role: string | undefined;
  let said = '';
  let reasoning: Array<{ text: string; signature?: string }> = [];
  let lastStop: string | undefined;
  const remember = () => {
    if (said) session.conversation.push({ role: 'assistant', content: [{ text: said }] });
    said = '';
  };
  try {
    for (const step of steps) {
      if (stopped.aborted) return;
      if ('writeFile' in step) {
        session.files.set(step.writeFile.path, step.writeFile.content);
      } else if ('delayMs' in step) {
        due += step.delayMs * scale;
        if (due > Date.now()) await abortableSleep(due - Date.now(), stopped);
      } else if ('cut' in step) {
        res.socket?.destroy();
      } else if ('truncate' in step) {
        const f = frame('event', 'contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'x' } });
        if (!gone()) res.end(f.subarray(0, Math.floor(f.length / 2)));
      } else if ('hang' in step) {
        await abortableSleep(Number.POSITIVE_INFINITY, stopped);
      } else if ('event' in step) {
        if (step.event === 'messageStart') {
          remember();
          role = (step.data as { role?: string }).role;
          if (role === 'assistant') reasoning = [];
        }
        if (step.event === 'messageStop') lastStop = (step.data as { stopReason?: string }).stopReason;
        const delta = (step.data as { delta?: StepDelta }).delta;
        if (step.event === 'contentBlockDelta' && role === 'assistant') {
          if (typeof delta?.text === 'string') said += delta.text;
          const r = delta?.reasoningContent;
          if (r?.text !== undefined) reasoning.push({ text: r.text });
          if (r?.signature && reasoning.length > 0) reasoning[reasoning.length - 1]!.signature = r.signature;
        }
        write(frame('event', step.event, step.data));
        o.onEvent?.(session.id, step, Date.now());
      } else if ('exception' in step) {
        write(frame('exception', step.exception, step.data));
      } else {
        write(errorFrame(step.error, step.message));
      }
    }
  } finally {
    remember();
    session.pausedReasoning = lastStop === 'tool_use' ? mergeReasoning(reasoning) : undefined;
  }
}

interface StepDelta {
  text?: string;
  reasoningContent?: { text?: string; signature?: string };
}

/** Reasoning deltas of one message joined: text concatenated, with the signature a delta carried. */
function mergeReasoning(parts: Array<{ text: string; signature?: string }>) {
  if (parts.length === 0) return undefined;
  return [
    { text: parts.map((p) => p.text).join(''), signature: parts.findLast((p) => p.signature)?.signature },
  ];
}

/**
 * A resume must replay the paused assistant message with its reasoning blocks unchanged: with
 * extended thinking, Claude refuses a tool result whose assistant turn lost its signed thinking.
 */
export function reasoningReplayProblem(
  body: HarnessRequestBody,
  session: RuntimeSession | undefined,
): HttpError | undefined {
  const expected = session?.pausedReasoning;
  const resuming = (body.messages?.at(-1)?.content ?? []).some((b) => 'toolResult' in b);
  if (!expected || !resuming) return undefined;
  const replayed = (body.messages.at(-2)?.content ?? [])
    .map(
      (b) =>
        (b as { reasoningContent?: { reasoningText?: { text?: string; signature?: string } } })
          .reasoningContent?.reasoningText,
    )
    .filter((r) => r !== undefined);
  const intact = expected.every((e) =>
    replayed.some((r) => r.text === e.text && r.signature === e.signature),
  );
  return intact
    ? undefined
    : {
        status: 400,
        errorType: 'ValidationException',
        message:
          'The assistant message sent with tool results must contain its reasoning content blocks unchanged (text and signature), as the model produced them.',
      };
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    // One listener per wait, removed when the wait ends: a long script waits thousands of times.
    const onAbort = () => {
      if (t) clearTimeout(t);
      resolve();
    };
    const t = Number.isFinite(ms)
      ? setTimeout(
          () => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          },
          Math.max(0, ms),
        )
      : undefined;
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
