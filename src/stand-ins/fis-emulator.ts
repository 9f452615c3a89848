/**
 * A local stand-in for the AWS FIS API (rest-json, as the real @aws-sdk/client-fis speaks it):
 * experiment templates, experiments and their state machine. Reached through AWS_ENDPOINT_URL_FIS.
 *
 * Behaviour kept from the service: SigV4 required, ResourceNotFoundException for unknown ids,
 * idempotent StartExperiment by clientToken, experiments that move initiating → running →
 * completed on their own, StopExperiment → stopping → stopped, and ConflictException when stopping
 * an experiment that already ended.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FisTarget {
  resourceType: string;
  resourceArns?: string[];
  resourceTags?: Record<string, string>;
  filters?: Array<{ path: string; values: string[] }>;
  selectionMode: string;
  parameters?: Record<string, string>;
}

export interface FisAction {
  actionId: string;
  description?: string;
  parameters?: Record<string, string>;
  targets?: Record<string, string>;
  startAfter?: string[];
}

export interface FisTemplateRecord {
  id: string;
  description?: string;
  targets: Record<string, FisTarget>;
  actions: Record<string, FisAction>;
  stopConditions: Array<{ source: string; value?: string }>;
  roleArn: string;
  tags?: Record<string, string>;
  logConfiguration?: Record<string, unknown>;
  experimentOptions?: Record<string, string>;
  creationTime?: number;
  lastUpdateTime?: number;
}

export interface FisExperimentRecord {
  id: string;
  experimentTemplateId: string;
  clientToken: string;
  state: { status: string; reason?: string };
  tags: Record<string, string>;
  creationTime: number;
  startTime: number;
  endTime?: number;
  roleArn: string;
}

export interface FisCall {
  op: 'GetExperimentTemplate' | 'StartExperiment' | 'GetExperiment' | 'StopExperiment' | 'Unknown';
  path: string;
  body: Record<string, unknown>;
  at: number;
}

export interface FisEmulatorOptions {
  region?: string;
  account?: string;
  /** How long an experiment stays initiating, then running, in ms. */
  initiatingMs?: number;
  runningMs?: number;
}

export class FisEmulator {
  readonly templates = new Map<string, FisTemplateRecord>();
  readonly experiments = new Map<string, FisExperimentRecord>();
  readonly calls: FisCall[] = [];
  private server: Server | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  url = '';

  constructor(private readonly o: FisEmulatorOptions = {}) {}

  /** Experiments started so far (each StartExperiment that created one). */
  get started(): FisExperimentRecord[] {
    return [...this.experiments.values()];
  }

  addTemplate(t: Omit<FisTemplateRecord, 'creationTime' | 'lastUpdateTime'>): FisTemplateRecord {
    const now = Date.now() / 1000;
    const rec = { ...t, creationTime: now, lastUpdateTime: now };
    this.templates.set(t.id, rec);
    return rec;
  }

  /** What UpdateExperimentTemplate would do: change the template, bump lastUpdateTime. */
  updateTemplate(id: string, patch: Partial<FisTemplateRecord>): void {
    const t = this.templates.get(id);
    if (!t) throw new Error(`no template ${id}`);
    this.templates.set(id, { ...t, ...patch, lastUpdateTime: Date.now() / 1000 });
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
    for (const t of this.timers) clearTimeout(t);
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const call: FisCall = { op: 'Unknown', path: url.pathname, body, at: Date.now() };
    this.calls.push(call);
    if (!req.headers.authorization?.startsWith('AWS4-HMAC-SHA256 ')) {
      return error(res, 403, 'AccessDeniedException', 'Missing Authentication Token');
    }
    if (req.method === 'GET' && parts[0] === 'experimentTemplates' && parts[1]) {
      call.op = 'GetExperimentTemplate';
      const t = this.templates.get(parts[1]);
      if (!t) return error(res, 404, 'ResourceNotFoundException', 'Experiment template not found.');
      return ok(res, { experimentTemplate: { ...t, arn: this.arn('experiment-template', t.id) } });
    }
    if (req.method === 'POST' && parts[0] === 'experiments' && !parts[1]) {
      call.op = 'StartExperiment';
      return this.startExperiment(body, res);
    }
    if (req.method === 'GET' && parts[0] === 'experiments' && parts[1]) {
      call.op = 'GetExperiment';
      const e = this.experiments.get(parts[1]);
      if (!e) return error(res, 404, 'ResourceNotFoundException', 'Experiment not found.');
      return ok(res, { experiment: this.view(e) });
    }
    if (req.method === 'DELETE' && parts[0] === 'experiments' && parts[1]) {
      call.op = 'StopExperiment';
      const e = this.experiments.get(parts[1]);
      if (!e) return error(res, 404, 'ResourceNotFoundException', 'Experiment not found.');
      if (['completed', 'stopped', 'failed', 'cancelled'].includes(e.state.status)) {
        return error(res, 409, 'ConflictException', `Experiment ${e.id} is already ${e.state.status}.`);
      }
      e.state = { status: 'stopping', reason: 'Experiment is stopping.' };
      this.later(200, () => {
        e.state = { status: 'stopped', reason: 'Experiment stopped by user.' };
        e.endTime = Date.now() / 1000;
      });
      return ok(res, { experiment: this.view(e) });
    }
    return error(res, 404, 'UnknownOperationException', `No operation at ${req.method} ${url.pathname}`);
  }

  private startExperiment(body: Record<string, unknown>, res: ServerResponse) {
    const templateId = String(body.experimentTemplateId ?? '');
    const clientToken = String(body.clientToken ?? '');
    if (!clientToken) return error(res, 400, 'ValidationException', 'clientToken is required.');
    const existing = [...this.experiments.values()].find((e) => e.clientToken === clientToken);
    if (existing) {
      if (existing.experimentTemplateId !== templateId) {
        return error(res, 409, 'ConflictException', 'The client token was used with different parameters.');
      }
      return ok(res, { experiment: this.view(existing) });
    }
    const t = this.templates.get(templateId);
    if (!t) return error(res, 404, 'ResourceNotFoundException', 'Experiment template not found.');
    const now = Date.now() / 1000;
    const e: FisExperimentRecord = {
      id: `EXP${randomBytes(8).toString('hex').slice(0, 14)}`,
      experimentTemplateId: templateId,
      clientToken,
      state: { status: 'initiating', reason: 'Experiment is initiating.' },
      tags: (body.tags as Record<string, string>) ?? {},
      creationTime: now,
      startTime: now,
      roleArn: t.roleArn,
    };
    this.experiments.set(e.id, e);
    this.later(this.o.initiatingMs ?? 300, () => {
      if (e.state.status !== 'initiating') return;
      e.state = { status: 'running', reason: 'Experiment is running.' };
      this.later(this.o.runningMs ?? 5_000, () => {
        if (e.state.status !== 'running') return;
        e.state = { status: 'completed', reason: 'Experiment completed.' };
        e.endTime = Date.now() / 1000;
      });
    });
    ok(res, { experiment: this.view(e) });
  }

  private view(e: FisExperimentRecord): Record<string, unknown> {
    const { clientToken: _c, ...rest } = e;
    return { ...rest, arn: this.arn('experiment', e.id) };
  }

  private arn(kind: string, id: string): string {
    return `arn:aws:fis:${this.o.region ?? 'us-east-1'}:${this.o.account ?? '123456789012'}:${kind}/${id}`;
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }
}

function ok(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function error(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ message }));
}

/** A realistic template: stop one EC2 instance of a tagged ASG for 5 minutes, guarded by an alarm. */
export function sampleTemplate(id = 'EXT1a2b3c4d5e6f7', overrides: Partial<FisTemplateRecord> = {}) {
  return {
    id,
    description: 'Stop one checkout instance in one AZ for 5 minutes',
    targets: {
      checkoutInstances: {
        resourceType: 'aws:ec2:instance',
        resourceTags: { app: 'checkout' },
        filters: [{ path: 'Placement.AvailabilityZone', values: ['us-east-1a'] }],
        selectionMode: 'COUNT(1)',
      },
    },
    actions: {
      stopInstances: {
        actionId: 'aws:ec2:stop-instances',
        description: 'Stop the selected instance',
        parameters: { startInstancesAfterDuration: 'PT5M' },
        targets: { Instances: 'checkoutInstances' },
      },
    },
    stopConditions: [
      {
        source: 'aws:cloudwatch:alarm',
        value: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:checkout-5xx',
      },
    ],
    roleArn: 'arn:aws:iam::123456789012:role/fis-experiment-role',
    tags: { Name: 'checkout-az-stop' },
    experimentOptions: { accountTargeting: 'single-account', emptyTargetResolutionMode: 'fail' },
    ...overrides,
  };
}
