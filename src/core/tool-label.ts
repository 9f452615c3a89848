/**
 * Short, human status lines for the agent's tool activity ("running `kubectl get nodes -o wide`").
 * Raw tool output is never shown in Slack; only what the agent is doing.
 */
import type { ToolKind } from './events.ts';

const MAX = 120;

export interface ToolCallInfo {
  name: string;
  kind: ToolKind;
  server?: string;
  input: unknown;
}

export function describeTool(t: ToolCallInfo): string {
  const input = (t.input ?? {}) as Record<string, unknown>;
  const str = (k: string) => (typeof input[k] === 'string' ? (input[k] as string) : undefined);
  if (t.name === 'shell') {
    const cmd = str('command') ?? str('cmd');
    return cmd ? `running ${code(firstLine(cmd))}` : 'running a shell command';
  }
  if (t.name === 'file_operations' || t.name.startsWith('file_')) {
    const op = str('operation') ?? str('action') ?? 'using';
    const path = str('path') ?? str('file_path');
    return path ? `${op} file ${code(path)}` : 'working with files';
  }
  switch (t.name) {
    case 'aws___search_documentation': {
      const q = str('search_phrase') ?? str('query');
      return q ? `searching AWS documentation for “${clip(q, 80)}”` : 'searching AWS documentation';
    }
    case 'aws___read_documentation': {
      const url = str('url');
      return url ? `reading ${clip(url, 100)}` : 'reading AWS documentation';
    }
    case 'aws___recommend':
      return 'looking up related AWS documentation';
    case 'aws___get_regional_availability':
      return 'checking regional availability';
  }
  const where = t.server ? ` (${t.server})` : '';
  return `calling ${code(t.name)}${where}`;
}

const PAST: Array<[string, string]> = [
  ['running ', 'ran '],
  ['reading ', 'read '],
  ['searching ', 'searched '],
  ['calling ', 'called '],
  ['checking ', 'checked '],
  ['looking up ', 'looked up '],
  ['working ', 'worked '],
];

/**
 * A finished call's label: "running `x`" → "ran `x`". Used wherever a step stays visible after it
 * ended (status lines, the step list, native task titles), so nothing finished reads as running.
 */
export function finishedToolLabel(label: string): string {
  const hit = PAST.find(([now]) => label.startsWith(now));
  return hit ? hit[1] + label.slice(hit[0].length) : label;
}

function firstLine(s: string): string {
  const lines = s.trim().split('\n');
  return lines.length > 1 ? `${lines[0]} …` : lines[0]!;
}

/** Inline code that cannot be broken by backticks in the content. */
function code(s: string): string {
  return `\`${clip(s.replace(/`/g, 'ˋ'), MAX)}\``;
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
