/**
 * A local stand-in for the Lambda read the approval gate makes about function targets,
 * GetFunctionConfiguration (target filters on the card, function state after an experiment), in the
 * rest-json protocol as @aws-sdk/client-lambda sends it: GET /2015-03-31/functions/{FunctionName}/configuration
 * with an optional Qualifier. Reached through AWS_ENDPOINT_URL_LAMBDA.
 *
 * As strict as the service (test/contract/lambda-emulator.test.ts drives it with the real SDK): SigV4 for the
 * `lambda` signing name, each region its own functions; FunctionName as a name, partial or full ARN with an
 * optional version/alias suffix, within Lambda's 1..170 characters and name pattern (else the request
 * validation error Lambda answers, ValidationException); an ARN of another region or a qualifier in the name
 * that contradicts `Qualifier` is InvalidParameterValueException; an unknown function or version is
 * ResourceNotFoundException (HTTP 404): the modelled errors of the operation, in Lambda's error body.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { signedRegion } from './fis-emulator-model.ts';
import { bodyText, LoopbackService } from './loopback-service.ts';

/** The FunctionName pattern of Lambda's API reference (name, partial ARN or ARN, optional qualifier). */
const FUNCTION_NAME =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?(([a-z]{2}(-gov)?(-iso([a-z])?)?-[a-z]+-\d{1}):)?((\d{12}):)?(function:)?([a-zA-Z0-9-_.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;
const QUALIFIER = /^[a-zA-Z0-9$_-]{1,128}$/;

export interface EmulatedFunction {
  name: string;
  region: string;
  account: string;
  runtime: string;
  memorySize: number;
  state: 'Pending' | 'Active' | 'Inactive' | 'Failed';
  stateReason?: string;
  stateReasonCode?: string;
  lastUpdateStatus: 'Successful' | 'Failed' | 'InProgress';
  lastUpdateStatusReason?: string;
  lastUpdateStatusReasonCode?: string;
  /** Published versions and aliases besides $LATEST. */
  qualifiers: string[];
}

export class LambdaEmulator extends LoopbackService {
  readonly calls: Array<{ method: string; path: string; region: string; qualifier?: string }> = [];
  /** `<region>/<name>` → function. */
  private readonly functions = new Map<string, EmulatedFunction>();

  /** A function (Active, last update Successful, unless said otherwise); returns its ARN. */
  putFunction(
    region: string,
    name: string,
    o: Partial<Omit<EmulatedFunction, 'name' | 'region'>> = {},
  ): string {
    const f: EmulatedFunction = {
      name,
      region,
      account: '123456789012',
      runtime: 'nodejs22.x',
      memorySize: 512,
      state: 'Active',
      lastUpdateStatus: 'Successful',
      qualifiers: [],
      ...o,
    };
    this.functions.set(`${region}/${name}`, f);
    return `arn:aws:lambda:${region}:${f.account}:function:${name}`;
  }

  setFunction(region: string, name: string, o: Partial<Omit<EmulatedFunction, 'name' | 'region'>>): void {
    const f = this.functions.get(`${region}/${name}`);
    if (!f) throw new Error(`no function ${name} in ${region}`);
    Object.assign(f, o);
  }

  /** The function is deleted. */
  remove(region: string, name: string): void {
    this.functions.delete(`${region}/${name}`);
  }

  clear(): void {
    this.functions.clear();
  }

  protected internalError(res: ServerResponse, err: unknown): void {
    error(res, 500, 'ServiceException', String(err), 'Service');
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await bodyText(req);
    const url = new URL(req.url ?? '/', 'http://x');
    const scope = signedRegion(req.headers.authorization);
    const qualifierParam = url.searchParams.get('Qualifier') ?? undefined;
    this.calls.push({
      method: req.method ?? '',
      path: url.pathname,
      region: scope?.region ?? '',
      ...(qualifierParam !== undefined ? { qualifier: qualifierParam } : {}),
    });
    if (scope?.service !== 'lambda')
      return error(res, 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    const m = /^\/2015-03-31\/functions\/([^/]+)\/configuration\/?$/.exec(url.pathname);
    if (req.method !== 'GET' || !m)
      return error(res, 404, 'UnknownOperationException', `${req.method} ${url.pathname} is not served here`);
    const raw = decodeURIComponent(m[1]!);
    const parsed = FUNCTION_NAME.exec(raw);
    if (raw.length < 1 || raw.length > 170 || !parsed)
      return error(
        res,
        400,
        'ValidationException',
        `1 validation error detected: Value '${raw}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern and have length between 1 and 170`,
      );
    if (qualifierParam !== undefined && !QUALIFIER.test(qualifierParam))
      return error(
        res,
        400,
        'ValidationException',
        `1 validation error detected: Value '${qualifierParam}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)`,
      );
    const [region, account, name, inName] = [parsed[4], parsed[9], parsed[11]!, parsed[13]];
    if (region && region !== scope.region)
      return error(
        res,
        400,
        'InvalidParameterValueException',
        `Functions from '${region}' are not reachable in this region ('${scope.region}')`,
      );
    if (inName && qualifierParam !== undefined && inName !== qualifierParam)
      return error(
        res,
        400,
        'InvalidParameterValueException',
        'The derived qualifier from the function name does not match the specified qualifier.',
      );
    const qualifier = inName ?? qualifierParam;
    const f = this.functions.get(`${scope.region}/${name}`);
    const arn = `arn:aws:lambda:${scope.region}:${account ?? f?.account ?? '123456789012'}:function:${name}`;
    if (
      !f ||
      (account && account !== f.account) ||
      (qualifier && qualifier !== '$LATEST' && !f.qualifiers.includes(qualifier))
    )
      return error(
        res,
        404,
        'ResourceNotFoundException',
        `Function not found: ${arn}${qualifier ? `:${qualifier}` : ''}`,
      );
    res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() });
    res.end(
      JSON.stringify({
        FunctionName: f.name,
        FunctionArn: qualifier ? `${arn}:${qualifier}` : arn,
        Runtime: f.runtime,
        Role: `arn:aws:iam::${f.account}:role/${f.name}-role`,
        Handler: 'index.handler',
        CodeSize: 1024,
        Description: '',
        Timeout: 30,
        MemorySize: f.memorySize,
        LastModified: '2026-01-01T00:00:00.000+0000',
        CodeSha256: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
        Version: qualifier && /^\d+$/.test(qualifier) ? qualifier : '$LATEST',
        State: f.state,
        ...(f.stateReason ? { StateReason: f.stateReason } : {}),
        ...(f.stateReasonCode ? { StateReasonCode: f.stateReasonCode } : {}),
        LastUpdateStatus: f.lastUpdateStatus,
        ...(f.lastUpdateStatusReason ? { LastUpdateStatusReason: f.lastUpdateStatusReason } : {}),
        ...(f.lastUpdateStatusReasonCode ? { LastUpdateStatusReasonCode: f.lastUpdateStatusReasonCode } : {}),
        PackageType: 'Zip',
        Architectures: ['arm64'],
        EphemeralStorage: { Size: 512 },
      }),
    );
  }
}

/** Lambda's error body: the kind of fault and the message, the error's name in x-amzn-errortype. */
function error(res: ServerResponse, status: number, type: string, message: string, kind = 'User'): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-errortype': type,
    'x-amzn-requestid': randomUUID(),
  });
  res.end(JSON.stringify({ Type: kind, Message: message }));
}
