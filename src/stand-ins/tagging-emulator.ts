/**
 * A local stand-in for the Resource Groups Tagging API's GetResources, speaking awsJson1_1 as
 * @aws-sdk/client-resource-groups-tagging-api does. Reached through
 * AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API.
 *
 * As strict as the service (test/contract/tagging-emulator.test.ts checks it against the SDK model):
 * SigV4 for the `tagging` signing name, each region its own resources; up to 50 tag filters of up
 * to 20 values; ResourcesPerPage 1..100; TagFilters/ResourceTypeFilters cannot be combined with
 * ResourceARNList; type filters match `service` or `service:type` as embedded in the ARN; the last page
 * carries an empty PaginationToken; a token is valid for 15 minutes and for its own query
 * (PaginationTokenExpiredException / InvalidParameterException); members the stand-in does not
 * implement are refused rather than ignored.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { signedRegion } from './fis-emulator-model.ts';
import { bodyText, LoopbackService } from './loopback-service.ts';

const TARGET = 'ResourceGroupsTaggingAPI_20170126';
const SUPPORTED = [
  'PaginationToken',
  'TagFilters',
  'ResourcesPerPage',
  'ResourceTypeFilters',
  'ResourceARNList',
];
const TOKEN_MS = 15 * 60_000;

export interface TaggingCall {
  op: string;
  region: string;
  body: Record<string, unknown>;
}

export class TaggingEmulator extends LoopbackService {
  readonly calls: TaggingCall[] = [];
  private readonly resources = new Map<string, Map<string, Record<string, string>>>();
  private fault: { status: number; code: string; times: number } | undefined;
  /** The clock tokens are dated by (tests move it to expire them). */
  now: () => number = Date.now;

  /** Tags a resource (TagResources); its region is the one in its ARN. */
  tag(arn: string, tags: Record<string, string>): void {
    const region = arn.split(':')[3] ?? '';
    let m = this.resources.get(region);
    if (!m) {
      m = new Map();
      this.resources.set(region, m);
    }
    m.set(arn, { ...(m.get(arn) ?? {}), ...tags });
  }

  /** The resource is gone (terminated, deleted): GetResources no longer lists it. */
  remove(arn: string): void {
    for (const m of this.resources.values()) m.delete(arn);
  }

  clear(): void {
    this.resources.clear();
    this.fault = undefined;
  }

  /** Answers the next `times` GetResources calls with this error. */
  failGetResources(status: number, code: string, times = 1): void {
    this.fault = { status, code, times };
  }

  protected internalError(res: ServerResponse, err: unknown): void {
    error(res, 500, 'InternalServiceException', String(err));
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await bodyText(req);
    const scope = signedRegion(req.headers.authorization);
    const target = String(req.headers['x-amz-target'] ?? '');
    let body: Record<string, unknown>;
    try {
      const raw = text;
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return error(res, 400, 'SerializationException', 'Malformed JSON body.');
    }
    const op = target.startsWith(`${TARGET}.`) ? target.slice(TARGET.length + 1) : 'Unknown';
    this.calls.push({ op, region: scope?.region ?? '', body });
    if (!req.headers.authorization?.startsWith('AWS4-HMAC-SHA256 ') || !scope || scope.service !== 'tagging')
      return error(res, 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    if (op !== 'GetResources')
      return error(res, 400, 'UnknownOperationException', `Unknown operation ${target}.`);
    if (this.fault && this.fault.times-- > 0) {
      const f = this.fault;
      if (f.times <= 0) this.fault = undefined;
      return error(res, f.status, f.code, 'Injected fault.');
    }
    const unsupported = Object.keys(body).filter((k) => !SUPPORTED.includes(k));
    if (unsupported.length)
      return error(
        res,
        400,
        'InvalidParameterException',
        `Not supported by this stand-in: ${unsupported.join(', ')}.`,
      );
    const problem = validate(body);
    if (problem) return error(res, 400, 'InvalidParameterException', problem);
    const filters = (body.TagFilters as Array<{ Key: string; Values?: string[] }> | undefined) ?? [];
    const types = (body.ResourceTypeFilters as string[] | undefined) ?? [];
    const arnList = body.ResourceARNList as string[] | undefined;
    const all = [...(this.resources.get(scope.region) ?? new Map<string, Record<string, string>>()).entries()]
      .filter(([arn]) => !arnList || arnList.includes(arn))
      .filter(([arn]) => types.length === 0 || types.some((t) => typeMatches(arn, t)))
      .filter(([, tags]) =>
        filters.every((f) => f.Key in tags && (!f.Values?.length || f.Values.includes(tags[f.Key]!))),
      )
      .sort(([a], [b]) => a.localeCompare(b));
    const max = typeof body.ResourcesPerPage === 'number' ? body.ResourcesPerPage : 50;
    const key = createHash('sha256')
      .update(JSON.stringify([scope.region, filters, types, arnList]))
      .digest('hex')
      .slice(0, 16);
    let from = 0;
    if (body.PaginationToken) {
      const [k, n, at] = Buffer.from(String(body.PaginationToken), 'base64url').toString().split(':');
      if (k !== key || !Number.isInteger(Number(n)))
        return error(
          res,
          400,
          'InvalidParameterException',
          'The PaginationToken is not valid for this request.',
        );
      if (this.now() - Number(at) > TOKEN_MS)
        return error(res, 400, 'PaginationTokenExpiredException', 'The PaginationToken has expired.');
      from = Number(n);
    }
    const page = all.slice(from, from + max);
    const next =
      from + max < all.length ? Buffer.from(`${key}:${from + max}:${this.now()}`).toString('base64url') : '';
    ok(res, {
      PaginationToken: next,
      ResourceTagMappingList: page.map(([arn, tags]) => ({
        ResourceARN: arn,
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      })),
    });
  }
}

function validate(b: Record<string, unknown>): string | undefined {
  const filters = b.TagFilters;
  if (filters !== undefined) {
    if (!Array.isArray(filters) || filters.length > 50) return 'TagFilters may hold at most 50 filters.';
    for (const f of filters as Array<{ Key?: unknown; Values?: unknown }>) {
      if (typeof f.Key !== 'string' || f.Key.length < 1 || f.Key.length > 128)
        return 'Each TagFilter needs a Key of 1 to 128 characters.';
      if (f.Values !== undefined && (!Array.isArray(f.Values) || f.Values.length > 20))
        return 'A TagFilter may hold at most 20 values.';
    }
  }
  const types = b.ResourceTypeFilters;
  if (
    types !== undefined &&
    (!Array.isArray(types) || types.length > 100 || types.some((t) => !/^[\w-]+(:[\w-]+)?$/.test(String(t))))
  )
    return 'ResourceTypeFilters must be up to 100 entries of the form service[:resourceType].';
  const per = b.ResourcesPerPage;
  if (per !== undefined && (typeof per !== 'number' || !Number.isInteger(per) || per < 1 || per > 100))
    return 'ResourcesPerPage must be between 1 and 100.';
  const list = b.ResourceARNList;
  if (list !== undefined) {
    if (!Array.isArray(list) || list.length < 1 || list.length > 100)
      return 'ResourceARNList must hold 1 to 100 ARNs.';
    if (filters !== undefined || types !== undefined)
      return 'You cannot specify ResourceARNList together with TagFilters or ResourceTypeFilters.';
  }
  return undefined;
}

/** `ec2` or `ec2:instance` against `arn:aws:ec2:…:instance/i-…` (the type is what precedes the id). */
function typeMatches(arn: string, filter: string): boolean {
  const [, , service, , , rest = ''] = arn.split(':');
  const [fs, ft] = filter.split(':');
  if (service !== fs) return false;
  if (!ft) return true;
  return rest.split(/[/:]/)[0] === ft;
}

function ok(res: ServerResponse, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
  res.end(JSON.stringify(body));
}

function error(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  res.end(JSON.stringify({ __type: code, Message: message }));
}
