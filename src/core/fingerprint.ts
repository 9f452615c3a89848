/**
 * A template's fingerprint: sha256 of its canonical JSON (object keys sorted at every level,
 * undefined members dropped). Any change to what the approver saw changes the fingerprint.
 */
import { createHash } from 'node:crypto';

/**
 * Names how fingerprints are computed: the canonical JSON of the template as the FIS adapter maps it.
 * Anything that changes that JSON for an unchanged template (an SDK upgrade that adds fields, a change
 * to the adapter's mapping) must bump this, so approvals pending across the upgrade fail closed instead
 * of being compared against a fingerprint computed differently. test/unit/fingerprint.test.ts pins it.
 */
export const FINGERPRINT_SCHEME = 'fis-template/v1';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function fingerprint(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value)).digest('hex')}`;
}
