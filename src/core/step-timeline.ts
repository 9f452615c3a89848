/**
 * Every tool call of one turn, in order, with when it started and how it ended: the step timeline
 * that stays visible after the answer (edited replies list it; native streams show each as a task
 * whose output says how it went).
 * (Split out of reply-stream.ts, which had outgrown its size.)
 */
import type { StepLine } from './reply-view.ts';

export class StepTimeline {
  private readonly steps = new Map<string, { label: string; at: number; endedAt?: number; ok?: boolean }>();

  constructor(private readonly now: () => number) {}

  get size(): number {
    return this.steps.size;
  }

  started(id: string, label: string): void {
    this.steps.set(id, { label, at: this.now() });
  }

  /** Records the end (once); returns the task output to show, e.g. "ok · 2.1s". */
  finished(id: string, ok: boolean): string | undefined {
    const step = this.steps.get(id);
    if (!step) return undefined;
    if (step.endedAt === undefined) {
      step.endedAt = this.now();
      step.ok = ok;
    }
    return `${step.ok ? 'ok' : 'failed'} · ${formatMs(step.endedAt - step.at)}`;
  }

  /** Steps that never ended (the run was stopped or failed meanwhile), with how long they ran. */
  unfinished(): Array<{ id: string; label: string; output: string }> {
    const now = this.now();
    return [...this.steps]
      .filter(([, s]) => s.endedAt === undefined)
      .map(([id, s]) => ({ id, label: s.label, output: `did not finish · ${formatMs(now - s.at)}` }));
  }

  /** The steps as the final reply lists them; one still running counts until now. */
  lines(): StepLine[] {
    const now = this.now();
    return [...this.steps.values()].map((s) => ({
      label: s.label,
      state: s.ok === undefined ? 'running' : s.ok ? 'done' : 'failed',
      ms: (s.endedAt ?? now) - s.at,
    }));
  }
}

/** A short duration: 850ms, 2.1s, 3m 05s. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}
