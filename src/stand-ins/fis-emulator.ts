/**
 * A local stand-in for the AWS FIS API (rest-json, as the real @aws-sdk/client-fis speaks it):
 * experiment templates, experiments and their state machine. Reached through AWS_ENDPOINT_URL_FIS.
 *
 * Behaviour kept from the service (checked against the SDK's model in test/unit/fis-emulator-contract):
 * SigV4 required, and each region its own store (the region is the one the request was signed for, so
 * an id looked up in another region is not found); only the errors AWS models for each operation;
 * StartExperiment idempotent by clientToken (the same token returns the same experiment, another
 * template with it is a ConflictException); experiments that copy the template's definition at start
 * and move initiating → running → completed on their own, or end failed / cancelled with
 * `state.error`; StopExperiment → stopping → stopped, a ValidationException once it has ended.
 * ListTargetAccountConfigurations pages a template's target accounts (addTargetAccount) with the same
 * limits (maxResults 1-100) and errors as the SDK model.
 * Tests inject the faults real FIS shows (held or lost replies, refusals) with `failStart` and
 * `endNextExperiment`.
 *
 * This file holds the store, the test controls and the routing; the wire framing is in
 * fis-emulator-http.ts, StartExperiment and its faults in fis-emulator-start.ts, the state machine in
 * fis-emulator-lifecycle.ts, the list operations in fis-emulator-lists.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { error, type FisOperation, ok, operationOf, readRequest, send } from './fis-emulator-http.ts';
import { ExperimentLifecycle } from './fis-emulator-lifecycle.ts';
import { listExperiments, listTargetAccounts } from './fis-emulator-lists.ts';
import {
  ENDED,
  type ExperimentOutcome,
  experimentView,
  type FisExperimentRecord,
  type FisFault,
  type FisTargetAccountRecord,
  type FisTemplateRecord,
  RegionStore,
  type StartFault,
  signedRegion,
} from './fis-emulator-model.ts';
import { ID, StartFaults, startExperiment } from './fis-emulator-start.ts';

export * from './fis-emulator-model.ts';

export interface FisCall {
  op: FisOperation;
  path: string;
  region: string;
  body: Record<string, unknown>;
  at: number;
  /** The access key id the request was signed with (a scoped session's ASIA… key, or the bot's own). */
  accessKeyId?: string;
}

/** Decides whether the signer of a StartExperiment may start it; a message means AccessDeniedException. */
export type StartAuthorizer = (
  accessKeyId: string,
  resources: { template: string; experiment: string },
) => Promise<string | undefined>;

export interface FisEmulatorOptions {
  /** The region templates are added to by default. */
  region?: string;
  account?: string;
  /** How long an experiment stays initiating, then running, in ms. */
  initiatingMs?: number;
  runningMs?: number;
}

export class FisEmulator {
  readonly calls: FisCall[] = [];
  private readonly regions = new Map<string, RegionStore>();
  private readonly startFaults = new StartFaults();
  private readonly opFaults = new Map<FisCall['op'], { fault: FisFault; times: number }>();
  private server: Server | undefined;
  private readonly life: ExperimentLifecycle;
  url = '';
  /** When set, StartExperiment is authorized like IAM would (e.g. a scoped session's policy). */
  authorizeStart: StartAuthorizer | undefined;

  constructor(private readonly o: FisEmulatorOptions = {}) {
    this.life = new ExperimentLifecycle(o);
  }

  get defaultRegion(): string {
    return this.o.region ?? 'us-east-1';
  }

  store(region = this.defaultRegion): RegionStore {
    let s = this.regions.get(region);
    if (!s) {
      s = new RegionStore();
      this.regions.set(region, s);
    }
    return s;
  }

  /** The default region's templates. */
  get templates(): Map<string, FisTemplateRecord> {
    return this.store().templates;
  }

  /** Experiments created so far, in every region. */
  get started(): FisExperimentRecord[] {
    return [...this.regions.values()].flatMap((s) => [...s.experiments.values()]);
  }

  addTemplate(
    t: Omit<FisTemplateRecord, 'creationTime' | 'lastUpdateTime'>,
    region = this.defaultRegion,
  ): FisTemplateRecord {
    const now = Date.now() / 1000;
    const rec = { ...t, creationTime: now, lastUpdateTime: now };
    this.store(region).templates.set(t.id, rec);
    return rec;
  }

  /** What UpdateExperimentTemplate would do: change the template, bump lastUpdateTime. */
  updateTemplate(id: string, patch: Partial<FisTemplateRecord>, region = this.defaultRegion): void {
    const t = this.store(region).templates.get(id);
    if (!t) throw new Error(`no template ${id} in ${region}`);
    this.store(region).templates.set(id, { ...t, ...patch, lastUpdateTime: Date.now() / 1000 });
  }

  /** What CreateTargetAccountConfiguration would do: the template also acts in this account. */
  addTargetAccount(templateId: string, c: FisTargetAccountRecord, region = this.defaultRegion): void {
    if (!this.store(region).templates.has(templateId))
      throw new Error(`no template ${templateId} in ${region}`);
    const list = this.store(region).targetAccounts.get(templateId) ?? [];
    this.store(region).targetAccounts.set(templateId, [
      ...list.filter((x) => x.accountId !== c.accountId),
      c,
    ]);
  }

  /** Applies a fault to the next StartExperiment call(s). */
  failStart(f: StartFault): void {
    this.startFaults.add(f);
  }

  /** Answers the next `times` calls of an operation with this error (e.g. FIS unreachable for ListExperiments). */
  failOperation(op: FisCall['op'], fault: FisFault, times = 1): void {
    this.opFaults.set(op, { fault, times });
  }

  /** Removes faults not used up yet (e.g. one applied to every call). */
  clearStartFaults(): void {
    this.startFaults.clear();
    this.opFaults.clear();
  }

  /** Ends an experiment now, as FIS would on its own (e.g. it completed before a stop arrived). */
  endExperiment(id: string, o: ExperimentOutcome | { status: 'completed'; reason: string }): void {
    const e = this.started.find((x) => x.id === id);
    if (!e) throw new Error(`no experiment ${id}`);
    this.life.setState(e, o.status, o.reason, 'error' in o ? o.error : undefined);
  }

  /** The next experiment created ends this way instead of completing. */
  endNextExperiment(o: ExperimentOutcome): void {
    this.life.endNext(o);
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => error(res, 500, 'InternalServerException', String(err)));
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.life.dispose();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { url, parts, body } = await readRequest(req);
    const scope = signedRegion(req.headers.authorization);
    const call: FisCall = {
      op: 'Unknown',
      path: url.pathname,
      region: scope?.region ?? '',
      body,
      at: Date.now(),
      accessKeyId: /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1],
    };
    this.calls.push(call);
    if (!req.headers.authorization?.startsWith('AWS4-HMAC-SHA256 ') || !scope || scope.service !== 'fis') {
      return error(res, 403, 'AccessDeniedException', 'Missing Authentication Token');
    }
    const s = this.store(scope.region);
    const region = scope.region;
    call.op = operationOf(req.method, parts);
    const opFault = this.opFaults.get(call.op);
    if (opFault && opFault.times-- > 0) {
      if (opFault.times <= 0) this.opFaults.delete(call.op);
      return error(res, opFault.fault.status, opFault.fault.type, opFault.fault.message ?? '');
    }
    if (call.op === 'ListTargetAccountConfigurations')
      return send(res, listTargetAccounts(s, parts[1]!, url.searchParams));
    if (req.method === 'GET' && parts[0] === 'experimentTemplates' && parts[1] && !parts[2]) {
      call.op = 'GetExperimentTemplate';
      if (!ID.test(parts[1])) return error(res, 400, 'ValidationException', 'Invalid id.');
      const t = s.templates.get(parts[1]);
      if (!t) return error(res, 404, 'ResourceNotFoundException', 'Experiment template not found.');
      return ok(res, { experimentTemplate: { ...t, arn: this.arn(region, 'experiment-template', t.id) } });
    }
    if (req.method === 'POST' && parts[0] === 'experiments' && !parts[1]) {
      call.op = 'StartExperiment';
      if (this.authorizeStart && typeof body.experimentTemplateId === 'string') {
        const denied = await this.authorizeStart(call.accessKeyId ?? '', {
          template: this.arn(region, 'experiment-template', body.experimentTemplateId),
          experiment: this.arn(region, 'experiment', 'EXPnew'),
        });
        if (denied) return error(res, 403, 'AccessDeniedException', denied);
      }
      return startExperiment(
        {
          body,
          store: s,
          region,
          life: this.life,
          faults: this.startFaults,
          arn: (id) => this.arn(region, 'experiment', id),
        },
        res,
      );
    }
    if (req.method === 'GET' && parts[0] === 'experiments' && !parts[1]) {
      call.op = 'ListExperiments';
      return send(
        res,
        listExperiments(s, url.searchParams, (id) => this.arn(region, 'experiment', id)),
      );
    }
    if (req.method === 'GET' && parts[0] === 'experiments' && parts[1]) {
      call.op = 'GetExperiment';
      if (!ID.test(parts[1])) return error(res, 400, 'ValidationException', 'Invalid id.');
      const e = s.experiments.get(parts[1]);
      if (!e) return error(res, 404, 'ResourceNotFoundException', 'Experiment not found.');
      return ok(res, { experiment: experimentView(e, this.arn(region, 'experiment', e.id)) });
    }
    if (req.method === 'DELETE' && parts[0] === 'experiments' && parts[1]) {
      call.op = 'StopExperiment';
      const e = s.experiments.get(parts[1]);
      if (!e) return error(res, 404, 'ResourceNotFoundException', 'Experiment not found.');
      // StopExperiment models only ResourceNotFoundException and ValidationException.
      if (ENDED.has(e.state.status)) {
        return error(
          res,
          400,
          'ValidationException',
          `Experiment ${e.id} is ${e.state.status} and cannot be stopped.`,
        );
      }
      this.life.stop(e);
      return ok(res, { experiment: experimentView(e, this.arn(region, 'experiment', e.id)) });
    }
    return error(res, 404, 'UnknownOperationException', `No operation at ${req.method} ${url.pathname}`);
  }

  private arn(region: string, kind: string, id: string): string {
    return `arn:aws:fis:${region}:${this.o.account ?? '123456789012'}:${kind}/${id}`;
  }
}
