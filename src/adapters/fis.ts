/** FisPort over @aws-sdk/client-fis, one client per region (experiments run in the target's region). */
import {
  FisClient,
  GetExperimentCommand,
  GetExperimentTemplateCommand,
  ResourceNotFoundException,
  StartExperimentCommand,
  StopExperimentCommand,
} from '@aws-sdk/client-fis';
import { FisError, type FisExperiment, type FisPort, type FisTemplate } from '../core/fis.ts';

export class AwsFis implements FisPort {
  private readonly clients = new Map<string, FisClient>();

  /** `endpoint`/`credentials`: the local sandbox's FIS emulator; otherwise the SDK's defaults. */
  constructor(
    private readonly o: {
      endpoint?: string;
      credentials?: { accessKeyId: string; secretAccessKey: string };
    } = {},
  ) {}

  async getTemplate(region: string, templateId: string): Promise<FisTemplate | undefined> {
    try {
      const out = await this.client(region).send(new GetExperimentTemplateCommand({ id: templateId }));
      const t = out.experimentTemplate;
      if (!t?.id) return undefined;
      return {
        id: t.id,
        description: t.description,
        targets: (t.targets ?? {}) as FisTemplate['targets'],
        actions: (t.actions ?? {}) as FisTemplate['actions'],
        stopConditions: t.stopConditions ?? [],
        roleArn: t.roleArn,
        tags: t.tags,
        logConfiguration: t.logConfiguration,
        experimentOptions: t.experimentOptions as Record<string, string> | undefined,
      };
    } catch (err) {
      if (err instanceof ResourceNotFoundException) return undefined;
      throw toFisError(err);
    }
  }

  async startExperiment(
    region: string,
    templateId: string,
    clientToken: string,
    tags: Record<string, string>,
  ): Promise<FisExperiment> {
    try {
      const out = await this.client(region).send(
        new StartExperimentCommand({ experimentTemplateId: templateId, clientToken, tags }),
      );
      return toExperiment(out.experiment);
    } catch (err) {
      throw toFisError(err);
    }
  }

  async getExperiment(region: string, experimentId: string): Promise<FisExperiment | undefined> {
    try {
      const out = await this.client(region).send(new GetExperimentCommand({ id: experimentId }));
      return toExperiment(out.experiment);
    } catch (err) {
      if (err instanceof ResourceNotFoundException) return undefined;
      throw toFisError(err);
    }
  }

  async stopExperiment(region: string, experimentId: string): Promise<FisExperiment> {
    try {
      const out = await this.client(region).send(new StopExperimentCommand({ id: experimentId }));
      return toExperiment(out.experiment);
    } catch (err) {
      throw toFisError(err);
    }
  }

  private client(region: string): FisClient {
    let c = this.clients.get(region);
    if (!c) {
      c = new FisClient({
        region,
        maxAttempts: 3,
        ...(this.o.endpoint ? { endpoint: this.o.endpoint } : {}),
        ...(this.o.credentials ? { credentials: this.o.credentials } : {}),
      });
      this.clients.set(region, c);
    }
    return c;
  }
}

function toExperiment(
  e: { id?: string; experimentTemplateId?: string; state?: { status?: string; reason?: string } } | undefined,
): FisExperiment {
  if (!e?.id) throw new FisError('InvalidResponse', 'FIS returned no experiment');
  return {
    id: e.id,
    templateId: e.experimentTemplateId ?? '',
    status: e.state?.status ?? 'unknown',
    reason: e.state?.reason,
  };
}

function toFisError(err: unknown): FisError {
  const e = err as { name?: string; message?: string };
  return new FisError(e?.name ?? 'Error', e?.message ?? String(err));
}
