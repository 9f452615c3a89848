/**
 * When each action of an FIS template runs, from its action graph: an action starts when every
 * action in its `startAfter` has finished (or at the start when it has none), and runs for its
 * duration parameter. The experiment lasts until the last action ends, so the total is the longest
 * path through the graph, not the longest single action.
 */
import type { FisTemplate } from './fis.ts';

export interface ActionTiming {
  /** Seconds after the experiment starts. */
  start: number;
  end: number;
  /** From a duration parameter; undefined when the action has none (counted as instantaneous). */
  seconds?: number;
}

export interface TemplatePlan {
  actions: Map<string, ActionTiming>;
  totalSeconds: number;
  /** Actions without a duration parameter: the total is then a lower bound. */
  withoutDuration: string[];
  /** `startAfter` names that are not actions of the template. */
  unknownDependencies: string[];
  /** Actions in a `startAfter` cycle (FIS rejects such templates; shown rather than trusted). */
  cycle: string[];
}

/** ISO 8601 durations as FIS uses them (PT5M, PT1H30M, PT90S, P1D, PT0.5S); undefined otherwise. */
export function isoSeconds(v: string): number | undefined {
  const m =
    /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
      v.trim(),
    );
  if (!m || v.trim() === 'P' || v.trim().endsWith('T')) return undefined;
  const [d, h, min, s] = [m[1], m[2], m[3], m[4]].map((x) => Number(x ?? 0));
  return d! * 86_400 + h! * 3600 + min! * 60 + s!;
}

/** The longest duration among an action's parameters whose name says duration. */
export function actionSeconds(a: FisTemplate['actions'][string]): number | undefined {
  let best: number | undefined;
  for (const [k, v] of Object.entries(a.parameters ?? {})) {
    if (!/duration/i.test(k) || typeof v !== 'string') continue;
    const s = isoSeconds(v);
    if (s !== undefined && (best === undefined || s > best)) best = s;
  }
  return best;
}

export function planTemplate(t: FisTemplate): TemplatePlan {
  const names = Object.keys(t.actions);
  const timings = new Map<string, ActionTiming>();
  const unknownDependencies = new Set<string>();
  const cycle = new Set<string>();
  const visiting = new Set<string>();

  const visit = (name: string): number => {
    const done = timings.get(name);
    if (done) return done.end;
    if (visiting.has(name)) {
      for (const v of visiting) cycle.add(v);
      return 0;
    }
    visiting.add(name);
    let start = 0;
    for (const dep of t.actions[name]?.startAfter ?? []) {
      if (!(dep in t.actions)) {
        unknownDependencies.add(dep);
        continue;
      }
      start = Math.max(start, visit(dep));
    }
    visiting.delete(name);
    const seconds = actionSeconds(t.actions[name]!);
    const timing: ActionTiming = {
      start,
      end: start + (seconds ?? 0),
      ...(seconds !== undefined ? { seconds } : {}),
    };
    timings.set(name, timing);
    return timing.end;
  };

  let total = 0;
  for (const n of names) total = Math.max(total, visit(n));
  return {
    actions: new Map(names.map((n) => [n, timings.get(n)!])),
    totalSeconds: total,
    withoutDuration: names.filter((n) => timings.get(n)!.seconds === undefined),
    unknownDependencies: [...unknownDependencies],
    cycle: [...cycle],
  };
}

/** "45s", "5 min", "1 h 30 min". */
export function humanDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}
