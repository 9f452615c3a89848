/** How approvals are keyed in the bot's table, shared by the approval store and its recovery records. */
import type { ApprovalRecord } from '../core/approval-types.ts';

export function key(id: string): string {
  return `APPROVAL#${id}`;
}

/** A time as a fixed-width string, so index sort keys order by time. */
export function sortable(ms: number): string {
  return String(Math.floor(ms)).padStart(15, '0');
}

/** The record without the table's own attributes (keys, index keys, TTL). */
export function strip(item: Record<string, unknown>): ApprovalRecord {
  const { pk: _p, sk: _s, ttl: _t, gsi1pk: _g, gsi1sk: _h, ...rest } = item;
  return rest as unknown as ApprovalRecord;
}
