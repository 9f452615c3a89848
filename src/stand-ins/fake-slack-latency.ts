/**
 * Slow answers: a test tells the fake Slack to answer the next calls of a method late. The call is
 * carried out at once (a post is stored and shown, as Slack does when its answer is what is slow),
 * only the HTTP answer waits, so a client that gives up first cannot know whether its call landed.
 */
export type ParamsMatch = (params: Record<string, unknown>) => boolean;

export class SlowAnswers {
  private readonly rules: Array<{ method: string; ms: number; times: number; when?: ParamsMatch }> = [];

  /** The next `times` calls to `method` (those `when` matches, if given) are answered `ms` late. */
  add(method: string, ms: number, times: number, when?: ParamsMatch): void {
    this.rules.push({ method, ms, times, ...(when ? { when } : {}) });
  }

  /** How late to answer this call (0: at once); a matching rule is used up by it. */
  delayFor(method: string, params: Record<string, unknown>): number {
    const rule = this.rules.find((r) => r.method === method && r.times > 0 && (!r.when || r.when(params)));
    if (!rule) return 0;
    rule.times--;
    return rule.ms;
  }
}
