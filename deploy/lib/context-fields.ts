/**
 * Typed readers over CDK context values that collect every problem instead of stopping at the first, so a bad
 * deploy names all of its mistakes at once (the same rule the bot's config follows). Empty strings count as
 * unset, because `-c key=` is how a shell user clears a value from cdk.json.
 */
export type ContextReader = (key: string) => unknown;

export interface ContextFields {
  /** Every problem found so far, in the order the keys were read. */
  problems: string[];
  str(key: string): string | undefined;
  /** The value, or `fallback` when unset; a value not matching `re` is a problem (reported with `hint`). */
  matching(key: string, re: RegExp, hint: string, fallback?: string): string | undefined;
  int(key: string, min: number, max: number, fallback: number): number;
  /** A comma-separated list; each item must match `re`. */
  list(key: string, re: RegExp, hint: string): string[];
  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T;
}

export function contextFields(get: ContextReader): ContextFields {
  const problems: string[] = [];
  const str = (key: string): string | undefined => {
    const v = get(key);
    if (v === undefined || v === null) return undefined;
    const s = String(v).trim();
    return s === '' ? undefined : s;
  };
  return {
    problems,
    str,
    matching(key, re, hint, fallback) {
      const v = str(key) ?? fallback;
      if (v !== undefined && !re.test(v)) problems.push(`${key} ${hint} (got "${v}")`);
      return v;
    },
    int(key, min, max, fallback) {
      const raw = str(key);
      if (raw === undefined) return fallback;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min || n > max) {
        problems.push(`${key} must be an integer from ${min} to ${max} (got "${raw}")`);
        return fallback;
      }
      return n;
    },
    list(key, re, hint) {
      const items = (str(key) ?? '')
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
      for (const x of items) if (!re.test(x)) problems.push(`${key} ${hint} (got "${x}")`);
      return items;
    },
    oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
      const v = str(key) ?? fallback;
      if (!allowed.includes(v as T)) {
        problems.push(`${key} must be one of ${allowed.join(', ')} (got "${v}")`);
        return fallback;
      }
      return v as T;
    },
  };
}
