/**
 * The STS emulator through the real @aws-sdk/client-sts (awsQuery: form in, XML out): AssumeRole
 * answers what the SDK parses into credentials, and every error is modeled for AssumeRole (@throws in
 * dist-types) or one of the query API's common errors.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsStartRole } from '../../src/adapters/sts.ts';
import { startSessionPolicy } from '../../src/core/start-role.ts';
import { StsEmulator } from '../../src/stand-ins/sts-emulator.ts';

const sdkDir = dirname(createRequire(import.meta.url).resolve('@aws-sdk/client-sts/package.json'));
const modeled = new Set(
  [
    ...readFileSync(join(sdkDir, 'dist-types', 'commands', 'AssumeRoleCommand.d.ts'), 'utf8').matchAll(
      /@throws \{@link (\w+)\}/g,
    ),
  ]
    .map((m) => m[1]!)
    .filter((n) => n !== 'STSServiceException'),
);
/** STS common errors (API reference, Common Errors). */
const COMMON = new Set(['ValidationError', 'AccessDenied', 'MissingAuthenticationToken']);
const ROLE = 'arn:aws:iam::123456789012:role/fis-start';
const CREDS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' };

describe('STS emulator contract (SDK model)', () => {
  const sts = new StsEmulator();
  const client = () =>
    new STSClient({ region: 'us-east-1', endpoint: sts.url, credentials: CREDS, maxAttempts: 1 });
  const errorOf = (p: Promise<unknown>) =>
    p.then(
      () => 'no error',
      (e: Error) => e.name,
    );
  beforeAll(async () => {
    await sts.start();
    sts.addRole(ROLE);
  });
  afterAll(() => sts.stop());

  it('AssumeRole returns credentials the SDK parses, and the session is recorded', async () => {
    const out = await client().send(
      new AssumeRoleCommand({
        RoleArn: ROLE,
        RoleSessionName: 'apprv_abc-123',
        SourceIdentity: 'apprv_abc-123',
        Policy: startSessionPolicy(ROLE, 'us-east-1', 'EXT1'),
        DurationSeconds: 900,
      }),
    );
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(out.Credentials?.Expiration).toBeInstanceOf(Date);
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::123456789012:assumed-role/fis-start/apprv_abc-123');
    expect(out.SourceIdentity).toBe('apprv_abc-123');
    expect(sts.session(out.Credentials!.AccessKeyId!)).toMatchObject({ sessionName: 'apprv_abc-123' });
  });

  it('every error is modeled for AssumeRole or common', async () => {
    const c = client();
    const base = { RoleArn: ROLE, RoleSessionName: 'ok-name' };
    const errors = [
      await errorOf(c.send(new AssumeRoleCommand({ ...base, Policy: '{not json' }))),
      await errorOf(c.send(new AssumeRoleCommand({ ...base, RoleSessionName: 'has space' }))),
      await errorOf(c.send(new AssumeRoleCommand({ ...base, DurationSeconds: 60 }))),
      await errorOf(c.send(new AssumeRoleCommand({ ...base, SourceIdentity: 'aws:me' }))),
      await errorOf(
        c.send(new AssumeRoleCommand({ ...base, RoleArn: 'arn:aws:iam::123456789012:role/unknown' })),
      ),
    ];
    for (const e of errors) expect(modeled.has(e) || COMMON.has(e), `${e}`).toBe(true);
    expect(errors[0]).toBe('MalformedPolicyDocumentException');
    expect(errors[4]).toBe('AccessDenied');
  });

  it('the adapter asks for the shortest session and returns plain credentials', async () => {
    const port = new AwsStartRole({ endpoint: sts.url, credentials: CREDS });
    const creds = await port.assume({
      roleArn: ROLE,
      region: 'us-east-1',
      sessionName: 'apprv_x1',
      sourceIdentity: 'apprv_x1',
      sessionPolicy: startSessionPolicy(ROLE, 'us-east-1', 'EXT1'),
    });
    expect(creds.sessionToken.length).toBeGreaterThan(10);
    expect(sts.calls.at(-1)?.params.DurationSeconds).toBe('900');
  });
});
