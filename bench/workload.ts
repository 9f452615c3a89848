/**
 * What the harness emulator streams for each benchmark run: a deterministic Markdown report
 * (headings, paragraphs, lists, small code blocks) at ~50 tokens/s, with tool calls in between.
 */
import type { Step } from '../src/stand-ins/harness-emulator.ts';
import { toolCall, usage } from '../src/stand-ins/scenarios.ts';

export const CHARS_PER_DELTA = 20; // ~5 tokens
export const DELTA_EVERY_MS = 100; // → ~50 tokens/s, 200 chars/s
export const TOOL_EVERY_CHARS = 4_000;
export const TOOL_MS = 1_500;

/** Seconds the harness takes to stream one run of `chars` characters. */
export function streamSeconds(chars: number): number {
  return (
    (chars / CHARS_PER_DELTA) * (DELTA_EVERY_MS / 1000) + (chars / TOOL_EVERY_CHARS + 1) * (TOOL_MS / 1000)
  );
}

const WORDS =
  'the node group runs pods without resource requests so the scheduler cannot place them and the cluster autoscaler adds capacity late during peaks which also hides noisy neighbours on shared nodes'.split(
    ' ',
  );

/** ~`size` characters of Markdown: headings, paragraphs, lists, small code blocks. Deterministic per run. */
export function report(run: number, size: number): string {
  const out: string[] = [`## Assessment of bench-${run}`];
  let i = 0;
  let len = out[0]!.length;
  while (len < size) {
    let block: string;
    if (i % 9 === 4) block = `\`\`\`bash\nkubectl get pods -n team-${i} -o wide\nkubectl top nodes\n\`\`\``;
    else if (i % 6 === 2)
      block = Array.from({ length: 4 }, (_, k) => `- finding ${i}.${k}: ${words(run + i + k, 9)}`).join('\n');
    else if (i % 13 === 0) block = `### Section ${i}`;
    else block = `${words(run * 7 + i, 40)}.`;
    out.push(block);
    len += block.length + 2;
    i++;
  }
  return `${out.join('\n\n')}\n`;
}

function words(seed: number, n: number): string {
  return Array.from({ length: n }, (_, k) => WORDS[(seed * 31 + k * 17) % WORDS.length]).join(' ');
}

/** The harness events of run `run`: a tool call, then the report in small deltas, a tool call every 4 KB. */
export function script(run: number, chars: number): Step[] {
  const text = report(run, chars);
  const steps: Step[] = [{ event: 'messageStart', data: { role: 'assistant' } }];
  steps.push(
    ...toolCall('shell', { command: `aws eks describe-cluster --name bench-${run}` }, '{"cluster":{}}', {
      delayMs: TOOL_MS,
    }),
  );
  for (let i = 0; i < text.length; i += CHARS_PER_DELTA) {
    if (i > 0 && i % TOOL_EVERY_CHARS === 0) {
      steps.push({ event: 'contentBlockStop', data: { contentBlockIndex: 0 } });
      steps.push(
        ...toolCall('shell', { command: `kubectl get deploy -n team-${i}` }, 'NAME READY', {
          delayMs: TOOL_MS,
        }),
      );
    }
    steps.push({ delayMs: DELTA_EVERY_MS });
    steps.push({
      event: 'contentBlockDelta',
      data: { contentBlockIndex: 0, delta: { text: text.slice(i, i + CHARS_PER_DELTA) } },
    });
  }
  steps.push({ event: 'contentBlockStop', data: { contentBlockIndex: 0 } });
  steps.push({ event: 'messageStop', data: { stopReason: 'end_turn' } });
  steps.push(usage(12_000, Math.ceil(text.length / 4)));
  return steps;
}
