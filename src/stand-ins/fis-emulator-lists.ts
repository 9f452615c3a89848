/**
 * The FIS emulator's list operations, with the limits and errors of the SDK model: ListExperiments
 * (maxResults 1-100, opaque nextToken) and ListTargetAccountConfigurations (the same, per template;
 * ResourceNotFound for a template this region does not have).
 */
import { experimentSummary, type FisFault, type RegionStore } from './fis-emulator-model.ts';

export type ListReply = { body: unknown } | { fault: FisFault };

const ID = /^[\S]{1,64}$/;
const invalid = (message: string): ListReply => ({
  fault: { status: 400, type: 'ValidationException', message },
});

/** One page of `all` from the query's maxResults and nextToken, or the ValidationException FIS gives. */
function page<T>(all: T[], q: URLSearchParams): { items: T[]; next?: string } | ListReply {
  const max = q.get('maxResults') === null ? 100 : Number(q.get('maxResults'));
  if (!Number.isInteger(max) || max < 1 || max > 100) return invalid('maxResults must be between 1 and 100.');
  const token = q.get('nextToken');
  if (token !== null && !/^[\S]{1,1024}$/.test(token)) return invalid('Invalid nextToken.');
  const from = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
  if (!Number.isInteger(from) || from < 0 || from > all.length) return invalid('Invalid nextToken.');
  const next = from + max < all.length ? Buffer.from(String(from + max)).toString('base64url') : undefined;
  return { items: all.slice(from, from + max), ...(next ? { next } : {}) };
}

export function listExperiments(s: RegionStore, q: URLSearchParams, arn: (id: string) => string): ListReply {
  const template = q.get('experimentTemplateId');
  const all = [...s.experiments.values()].filter((e) => !template || e.experimentTemplateId === template);
  const p = page(all, q);
  if (!('items' in p)) return p;
  return {
    body: {
      experiments: p.items.map((e) => experimentSummary(e, arn(e.id))),
      ...(p.next ? { nextToken: p.next } : {}),
    },
  };
}

export function listTargetAccounts(s: RegionStore, templateId: string, q: URLSearchParams): ListReply {
  if (!ID.test(templateId)) return invalid('Invalid experiment template id.');
  const p = page(s.targetAccounts.get(templateId) ?? [], q);
  if (!('items' in p)) return p;
  if (!s.templates.has(templateId))
    return {
      fault: { status: 404, type: 'ResourceNotFoundException', message: 'Experiment template not found.' },
    };
  return { body: { targetAccountConfigurations: p.items, ...(p.next ? { nextToken: p.next } : {}) } };
}
