/**
 * A local stand-in for the AWS control-plane calls the doctor makes, spoken in each service's own wire
 * protocol so the real SDK clients talk to it (every client pointed at this one endpoint; the service is
 * the one the request was SigV4-signed for):
 * - bedrock-agentcore GetHarness, bedrock GetInferenceProfile / GetFoundationModel, eks ListAccessEntries /
 *   ListAssociatedAccessPolicies, xray GetTraceSegmentDestination: rest-json;
 * - dynamodb DescribeTable / DescribeTimeToLive / DescribeContinuousBackups (JSON 1.0), logs
 *   DescribeLogGroups (JSON 1.1);
 * - iam GetRole / SimulatePrincipalPolicy, sts GetCallerIdentity: query protocol with XML answers.
 * As strict as the services: SigV4 required, required members checked, the modelled error per
 * operation (ResourceNotFoundException, NoSuchEntity, TableNotFoundException…), and
 * SimulatePrincipalPolicy decided by a real IAM policy evaluator over the role's policies
 * (@cloud-copilot/iam-simulate via iam-authorizer.ts), so a missing statement is found, not assumed.
 * Contract test: test/doctor/aws-control-plane-contract.test.ts.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonOp } from './aws-control-plane-json.ts';
import { type ControlPlaneCall, type ControlPlaneState, ServiceError } from './aws-control-plane-model.ts';
import { esc, queryOp } from './aws-control-plane-query.ts';
import { restOp } from './aws-control-plane-rest.ts';
import type { Authorizer } from './iam-authorizer.ts';
import { bodyText, LoopbackService } from './loopback-service.ts';

export {
  type ControlPlaneCall,
  type ControlPlaneState,
  MODELLED_ERRORS,
  type RoleRecord,
  type TableRecord,
} from './aws-control-plane-model.ts';

export class AwsControlPlane extends LoopbackService {
  readonly calls: ControlPlaneCall[] = [];
  readonly state: ControlPlaneState;

  /** `authorizer`: the doctor's own permissions (each call's IAM action on "*"); none means allowed. */
  constructor(
    state: Partial<ControlPlaneState> & { account: string },
    private readonly authorizer?: Authorizer,
  ) {
    super();
    this.state = {
      callerArn: `arn:aws:iam::${state.account}:user/operator`,
      harnesses: new Map(),
      inferenceProfiles: new Map(),
      foundationModels: new Map(),
      roles: new Map(),
      tables: new Map(),
      logGroups: new Map(),
      clusters: new Map(),
      traceDestinations: new Map(),
      ...state,
    };
  }

  protected internalError(res: ServerResponse, err: unknown): void {
    res.writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalFailure' });
    res.end(JSON.stringify({ message: String(err) }));
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await bodyText(req);
    const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
      req.headers.authorization ?? '',
    );
    const url = new URL(req.url ?? '/', 'http://x');
    if (!scope) {
      res.writeHead(403, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'MissingAuthenticationTokenException',
      });
      res.end(JSON.stringify({ message: 'Missing Authentication Token' }));
      return;
    }
    const [, region, service] = scope as unknown as [string, string, string];
    const query = service === 'iam' || service === 'sts';
    const json = service === 'dynamodb' || service === 'logs';
    try {
      if (query) {
        const p = new URLSearchParams(body);
        const op = p.get('Action') ?? '';
        await this.authorize(service, op);
        return this.xml(res, service, op, await queryOp(this.state, service, op, p));
      }
      if (json) {
        const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
        await this.authorize(service, op);
        return this.send(res, 200, jsonOp(this.state, service, op, region, body ? JSON.parse(body) : {}));
      }
      const { op, answer } = restOp(this.state, service, region, req.method ?? 'GET', url);
      await this.authorize(service, op);
      return this.send(res, 200, answer());
    } catch (err) {
      const e = err instanceof ServiceError ? err : new ServiceError(500, 'InternalFailure', String(err));
      if (query) {
        res.writeHead(e.status, { 'content-type': 'text/xml' });
        res.end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>${e.code}</Code><Message>${esc(e.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
        );
      } else if (json) {
        const ns = service === 'dynamodb' ? 'com.amazonaws.dynamodb.v20120810' : 'com.amazonaws.logs';
        this.send(res, e.status, { __type: `${ns}#${e.code}`, message: e.message });
      } else {
        res.writeHead(e.status, { 'content-type': 'application/json', 'x-amzn-errortype': e.code });
        res.end(JSON.stringify({ message: e.message }));
      }
    }
  }

  private async authorize(service: string, op: string): Promise<void> {
    this.calls.push({ service, op, region: '' });
    if (!this.authorizer || (service === 'sts' && op === 'GetCallerIdentity')) return;
    const prefix = service === 'logs' ? 'logs' : service;
    const d = await this.authorizer.authorize([{ action: `${prefix}:${op}`, resource: '*' }]);
    if (!d.allowed)
      throw new ServiceError(
        service === 'iam' ? 403 : 400,
        service === 'iam' ? 'AccessDenied' : 'AccessDeniedException',
        d.message,
      );
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() });
    res.end(JSON.stringify(body));
  }

  private xml(res: ServerResponse, service: string, op: string, inner: string): void {
    const ns =
      service === 'iam'
        ? 'https://iam.amazonaws.com/doc/2010-05-08/'
        : 'https://sts.amazonaws.com/doc/2011-06-15/';
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      `<${op}Response xmlns="${ns}"><${op}Result>${inner}</${op}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${op}Response>`,
    );
  }
}
