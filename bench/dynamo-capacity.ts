/**
 * Capacity units of DynamoDB requests, estimated at the counting stand-in (dynamo-counter.ts) by
 * the rules AWS bills on-demand tables by (Developer Guide, "DynamoDB read and write operations"):
 * - reads: 1 read request unit (RRU) per 4 KB of item, rounded up, strongly consistent; half that
 *   eventually consistent (every index query is). GetItem and BatchGetItem count each key's whole
 *   item (a projection does not lower it; a missing item still costs one 4 KB unit); Query counts
 *   the total size of the items it read, rounded up once (at least one 4 KB unit: the strictest
 *   reading, since an empty result still costs a request);
 * - writes: 1 write request unit (WRU) per 1 KB of the larger of the item before and after, rounded
 *   up; a write refused by its condition still costs that; and every index entry the write puts,
 *   updates or deletes costs the same again by its own size (gsi1 projects the whole item, so an
 *   update of an item in the index rewrites its entry, and moving its key is a delete and a put).
 * Item sizes come from a shadow of every item written through the stand-in (each UpdateItem is
 * asked for its new image, which is then taken out of the answer the client sees).
 */

/**
 * On-demand prices, USD per million request units: US East (N. Virginia), Standard table class, as
 * AWS's on-demand pricing page gives them since the November 2024 reduction (the README's price).
 */
export const ON_DEMAND_USD_PER_MILLION = { rru: 0.125, wru: 0.625 } as const;

/** USD per million turns at those prices, from units per turn. */
export function usdPerMillion(u: { rru: number; wru: number }): number {
  return u.rru * ON_DEMAND_USD_PER_MILLION.rru + u.wru * ON_DEMAND_USD_PER_MILLION.wru;
}

type Attr = Record<string, unknown>;
type Item = Record<string, Attr>;
export interface Units {
  rru: number;
  wru: number;
}

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

function numberSize(n: string): number {
  const digits = n
    .replace(/^[-+]/, '')
    .replace(/e.*$/i, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

function valueSize(v: Attr): number {
  const [type, val] = Object.entries(v)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return utf8(String(val));
    case 'N':
      return numberSize(String(val));
    case 'B':
      return Buffer.from(String(val), 'base64').length;
    case 'SS':
      return (val as string[]).reduce((a, s) => a + utf8(s), 0);
    case 'NS':
      return (val as string[]).reduce((a, s) => a + numberSize(s), 0);
    case 'BS':
      return (val as string[]).reduce((a, s) => a + Buffer.from(s, 'base64').length, 0);
    case 'L':
      return 3 + (val as Attr[]).reduce((a, e) => a + 1 + valueSize(e), 0);
    case 'M':
      return 3 + Object.entries(val as Item).reduce((a, [k, e]) => a + 1 + utf8(k) + valueSize(e), 0);
    default:
      return 1; // NULL, BOOL
  }
}

/** An item's size as DynamoDB bills it: attribute names and values, in bytes. */
export function itemSize(item: Item): number {
  return Object.entries(item).reduce((a, [k, v]) => a + utf8(k) + valueSize(v), 0);
}

const keyOf = (k: Item | undefined) => `${JSON.stringify(k?.pk ?? null)}|${JSON.stringify(k?.sk ?? null)}`;
const indexKey = (item: Item | undefined) =>
  item?.gsi1pk ? `${JSON.stringify(item.gsi1pk)}|${JSON.stringify(item.gsi1sk ?? null)}` : undefined;
const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const fourKb = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));

/** What was asked, and what of the answer is the counter's own (to take out before the client sees it). */
export interface Plan {
  op: string;
  req: Record<string, unknown>;
  /** The body to hand to the store. */
  forward: string;
  /** Attributes returned only because the counter asked for the new image. */
  stripAttributes: boolean;
}

export class CapacityShadow {
  private readonly items = new Map<string, { size: number; index?: string }>();

  /** Prepares a request: an UpdateItem that asks for no image is asked for the new one. */
  plan(target: string, body: string): Plan {
    const op = target.split('.').pop() ?? target;
    let req: Record<string, unknown> = {};
    try {
      req = JSON.parse(body);
    } catch {
      return { op, req, forward: body, stripAttributes: false };
    }
    if (op === 'UpdateItem' && (req.ReturnValues === undefined || req.ReturnValues === 'NONE')) {
      return { op, req, forward: JSON.stringify({ ...req, ReturnValues: 'ALL_NEW' }), stripAttributes: true };
    }
    return { op, req, forward: body, stripAttributes: false };
  }

  /** Units of the answered request, and the answer as the client must see it. */
  settle(plan: Plan, status: number, text: string): { units: Units; text: string } {
    let res: Record<string, unknown> = {};
    try {
      res = JSON.parse(text);
    } catch {
      // Not a JSON answer (health check): no units.
      return { units: { rru: 0, wru: 0 }, text };
    }
    const units = this.units(plan, status, res);
    if (!plan.stripAttributes || !('Attributes' in res)) return { units, text };
    const { Attributes: _, ...rest } = res;
    return { units, text: JSON.stringify(rest) };
  }

  private units(plan: Plan, status: number, res: Record<string, unknown>): Units {
    const { op, req } = plan;
    const refused = status >= 400;
    const failed = refused && !String(res.__type ?? '').includes('ConditionalCheckFailed');
    if (failed) return { rru: 0, wru: 0 };
    const size = (k: Item | undefined) => this.items.get(keyOf(k))?.size ?? 0;
    const read = (bytes: number, consistent: boolean) => fourKb(bytes) * (consistent ? 1 : 0.5);
    switch (op) {
      case 'GetItem':
        return { rru: read(size(req.Key as Item), req.ConsistentRead === true), wru: 0 };
      case 'BatchGetItem': {
        let rru = 0;
        for (const t of Object.values(
          (req.RequestItems ?? {}) as Record<string, { Keys: Item[]; ConsistentRead?: boolean }>,
        )) {
          // Keys handed back unprocessed were not read (and are asked again, counted then).
          const unprocessed = new Set(
            Object.values((res.UnprocessedKeys ?? {}) as Record<string, { Keys: Item[] }>).flatMap((u) =>
              u.Keys.map(keyOf),
            ),
          );
          for (const k of t.Keys)
            if (!unprocessed.has(keyOf(k))) rru += read(size(k), t.ConsistentRead === true);
        }
        return { rru, wru: 0 };
      }
      case 'Query':
      case 'Scan': {
        const bytes = ((res.Items ?? []) as Item[]).reduce((a, i) => a + size(i), 0);
        return { rru: read(bytes, !req.IndexName && req.ConsistentRead === true), wru: 0 };
      }
      case 'PutItem':
      case 'UpdateItem':
      case 'DeleteItem':
        return { rru: 0, wru: this.write(plan, res, refused) };
      default:
        // Writes this bot does not make are counted as one unit each.
        return { rru: 0, wru: 1 };
    }
  }

  private write(plan: Plan, res: Record<string, unknown>, refused: boolean): number {
    const { op, req } = plan;
    const k = keyOf((req.Key ?? req.Item) as Item);
    const before = this.items.get(k);
    if (refused) return kb(before?.size ?? 0);
    let after: { size: number; index?: string } | undefined;
    if (op === 'PutItem') {
      const item = req.Item as Item;
      after = { size: itemSize(item), index: indexKey(item) };
    } else if (op === 'UpdateItem') {
      const image = res.Attributes as Item | undefined;
      if (image && (plan.stripAttributes || req.ReturnValues === 'ALL_NEW'))
        after = { size: itemSize(image), index: indexKey(image) };
      else after = guessAfter(before, String(req.UpdateExpression ?? ''));
    }
    if (after) this.items.set(k, after);
    else this.items.delete(k);
    let wru = kb(Math.max(before?.size ?? 0, after?.size ?? 0));
    // The index entry: put, updated in place, moved (delete and put), or deleted.
    if (before?.index && after?.index)
      wru +=
        before.index === after.index
          ? kb(Math.max(before.size, after.size))
          : kb(before.size) + kb(after.size);
    else if (after?.index) wru += kb(after.size);
    else if (before?.index) wru += kb(before.size);
    return wru;
  }
}

/** The item after an update whose new image was not returned (the caller asked for the old one). */
function guessAfter(
  before: { size: number; index?: string } | undefined,
  expr: string,
): { size: number; index?: string } {
  const removes = /REMOVE[\s\S]*\bgsi1pk\b/.test(expr);
  const sets = /SET[\s\S]*\bgsi1(pk|sk)\s*=/.test(expr);
  const index = removes ? undefined : sets ? `moved:${Math.random()}` : before?.index;
  return { size: before?.size ?? 0, index };
}
