/**
 * The tagging emulator against the SDK model, through the real
 * @aws-sdk/client-resource-groups-tagging-api: errors are the ones GetResources models (@throws in
 * dist-types), returned members are members of the SDK's output structures, and the documented rules
 * hold (AND across filters, OR across a filter's values, type filters, the empty last token,
 * ResourceARNList exclusive with filters). Then the TaggingPort adapter over it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsTagging } from '../../src/adapters/tagging.ts';
import { TaggingEmulator } from '../../src/stand-ins/tagging-emulator.ts';

const sdkDir = dirname(
  createRequire(import.meta.url).resolve('@aws-sdk/client-resource-groups-tagging-api/package.json'),
);
const CREDS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' };
const modeled = new Set(
  [
    ...readFileSync(join(sdkDir, 'dist-types', 'commands', 'GetResourcesCommand.d.ts'), 'utf8').matchAll(
      /@throws \{@link (\w+)\}/g,
    ),
  ]
    .map((m) => m[1]!)
    .filter((n) => !n.endsWith('ServiceException')),
);
function members(shape: string): Set<string> {
  const dts = readFileSync(join(sdkDir, 'dist-types', 'models', 'models_0.d.ts'), 'utf8');
  const start = dts.indexOf(`export interface ${shape} {`);
  const body = dts.slice(start, dts.indexOf('\n}\n', start));
  return new Set([...body.matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]!));
}
const inst = (n: number, region = 'us-east-1') =>
  `arn:aws:ec2:${region}:123456789012:instance/i-${String(n).padStart(17, '0')}`;

describe('tagging emulator contract (SDK model)', () => {
  const tg = new TaggingEmulator();
  const client = (region = 'us-east-1') =>
    new ResourceGroupsTaggingAPIClient({ region, endpoint: tg.url, credentials: CREDS, maxAttempts: 1 });
  const errorOf = (p: Promise<unknown>) =>
    p.then(
      () => 'no error',
      (e: Error) => e.name,
    );
  beforeAll(() => tg.start());
  afterAll(() => tg.stop());
  beforeEach(() => tg.clear());

  it('every error GetResources returns is one the SDK models', async () => {
    const c = client();
    const token = async () => {
      for (let i = 0; i < 3; i++) tg.tag(inst(i), { app: 'x' });
      return (await c.send(new GetResourcesCommand({ ResourcesPerPage: 1 }))).PaginationToken;
    };
    const t = await token();
    const errors = [
      await errorOf(c.send(new GetResourcesCommand({ ResourcesPerPage: 101 }))),
      await errorOf(
        c.send(
          new GetResourcesCommand({ TagFilters: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}` })) }),
        ),
      ),
      await errorOf(
        c.send(new GetResourcesCommand({ ResourceARNList: [inst(1)], TagFilters: [{ Key: 'app' }] })),
      ),
      await errorOf(
        c.send(
          new GetResourcesCommand({ ResourcesPerPage: 1, TagFilters: [{ Key: 'app' }], PaginationToken: t }),
        ),
      ),
    ];
    tg.now = () => Date.now() + 16 * 60_000;
    errors.push(await errorOf(c.send(new GetResourcesCommand({ ResourcesPerPage: 1, PaginationToken: t }))));
    tg.now = Date.now;
    tg.failGetResources(400, 'ThrottledException');
    errors.push(await errorOf(c.send(new GetResourcesCommand({}))));
    for (const e of errors) expect(modeled.has(e), `${e} is modeled for GetResources`).toBe(true);
    expect(errors.at(-2)).toBe('PaginationTokenExpiredException');
  });

  it('AND across filters, OR across values, type filters; SDK members only; empty last token; regions apart', async () => {
    tg.tag(inst(1), { app: 'checkout', env: 'prod' });
    tg.tag(inst(2), { app: 'checkout', env: 'staging' });
    tg.tag(inst(3), { app: 'search', env: 'prod' });
    tg.tag('arn:aws:rds:us-east-1:123456789012:db:checkout', { app: 'checkout', env: 'prod' });
    tg.tag(inst(4, 'us-west-2'), { app: 'checkout', env: 'prod' });
    const out = await client().send(
      new GetResourcesCommand({
        TagFilters: [
          { Key: 'app', Values: ['checkout'] },
          { Key: 'env', Values: ['prod', 'staging'] },
        ],
        ResourceTypeFilters: ['ec2:instance'],
      }),
    );
    expect(out.ResourceTagMappingList?.map((r) => r.ResourceARN)).toEqual([inst(1), inst(2)]);
    expect(out.PaginationToken).toBe('');
    const outMembers = members('GetResourcesOutput');
    for (const k of Object.keys(out).filter((k) => k !== '$metadata'))
      expect(outMembers.has(k), k).toBe(true);
    const mapping = members('ResourceTagMapping');
    for (const r of out.ResourceTagMappingList ?? [])
      for (const k of Object.keys(r)) expect(mapping.has(k), `ResourceTagMapping.${k}`).toBe(true);
  });

  it('refuses unsigned requests', async () => {
    const r = await fetch(tg.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'ResourceGroupsTaggingAPI_20170126.GetResources' },
      body: '{}',
    });
    expect(r.status).toBe(403);
  });
});

describe('TaggingPort adapter over the emulator', () => {
  const tg = new TaggingEmulator();
  beforeAll(() => tg.start());
  afterAll(() => tg.stop());

  it('pages through every match and returns tags as a map', async () => {
    for (let i = 0; i < 230; i++) tg.tag(inst(i), { app: 'checkout', n: String(i) });
    tg.tag(inst(999), { app: 'other' });
    const port = new AwsTagging({ endpoint: tg.url, credentials: CREDS });
    const found = await port.findResources('us-east-1', 'ec2:instance', { app: 'checkout' });
    expect(found).toHaveLength(230);
    expect(found[0]!.tags.app).toBe('checkout');
    expect(tg.calls.filter((c) => c.op === 'GetResources').length).toBe(3);
  });
});
