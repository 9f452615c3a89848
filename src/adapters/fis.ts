/** FisPort over @aws-sdk/client-fis, one client per region (experiments run in the target's region). */
import type { Experiment, FisClient } from '@aws-sdk/client-fis';
import {
  type FisDefinition,
  FisError,
  type FisExperiment,
  type FisExperimentError,
  type FisPort,
  type FisTargetAccount,
  type FisTemplate,
} from '../core/fis.ts';
import { lazyImport } from './regional-clients.ts';

/** The package, loaded on the first call (regional-clients.ts): only a FIS approval makes one. */
const loadSdk = () => import('@aws-sdk/client-fis');
type FisSdk = Awaited<ReturnType<typeof loadSdk>>;

export class AwsFis implements FisPort {
  private readonly clients = new Map<string, FisClient>();
  private readonly sdk = lazyImport(loadSdk);

  /** `endpoint`/`credentials`: the local sandbox's FIS emulator; otherwise the SDK's defaults. */
  constructor(
    private readonly o: {
      endpoint?: string;
      credentials?: { accessKeyId: string; secretAccessKey: string };
    } = {},
  ) {}

  async getTemplate(region: string, templateId: string): Promise<FisTemplate | undefined> {
    try {
      const out = await this.call(region, (client, sdk) =>
        client.send(new sdk.GetExperimentTemplateCommand({ id: templateId })),
      );
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
      if (notFound(err)) return undefined;
      throw toFisError(err);
    }
  }

  async startExperiment(
    region: string,
    templateId: string,
    clientToken: string,
    tags: Record<string, string>,
    credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken: string },
  ): Promise<FisExperiment> {
    let client: FisClient | undefined;
    try {
      const sdk = await this.sdk();
      // A one-off client for the scoped session: its credentials serve this one start and are dropped.
      client = credentials
        ? this.newClient(sdk, region, {
            accessKeyId: credentials.accessKeyId,
            secretAccessKey: credentials.secretAccessKey,
            sessionToken: credentials.sessionToken,
          })
        : this.client(sdk, region);
      const out = await client.send(
        new sdk.StartExperimentCommand({ experimentTemplateId: templateId, clientToken, tags }),
      );
      return toExperiment(out.experiment);
    } catch (err) {
      throw toFisError(err);
    } finally {
      if (credentials) client?.destroy();
    }
  }

  async getExperiment(region: string, experimentId: string): Promise<FisExperiment | undefined> {
    try {
      const out = await this.call(region, (client, sdk) =>
        client.send(new sdk.GetExperimentCommand({ id: experimentId })),
      );
      return toExperiment(out.experiment);
    } catch (err) {
      if (notFound(err)) return undefined;
      throw toFisError(err);
    }
  }

  async stopExperiment(region: string, experimentId: string): Promise<FisExperiment> {
    try {
      const out = await this.call(region, (client, sdk) =>
        client.send(new sdk.StopExperimentCommand({ id: experimentId })),
      );
      return toExperiment(out.experiment);
    } catch (err) {
      throw toFisError(err);
    }
  }

  async listTaggedExperiments(region: string, tagKey: string, since: number): Promise<FisExperiment[]> {
    // ListExperiments can filter neither by tag nor by time here, and its order is not documented:
    // page through all of the region's experiments and keep the recent tagged ones.
    const out: FisExperiment[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const page = await this.call(region, (client, sdk) =>
          client.send(new sdk.ListExperimentsCommand({ maxResults: 100, nextToken })),
        );
        for (const e of page.experiments ?? []) {
          if (!e.id || e.tags?.[tagKey] === undefined) continue;
          if (e.creationTime && e.creationTime.getTime() < since) continue;
          out.push({
            id: e.id,
            templateId: e.experimentTemplateId ?? '',
            status: e.state?.status ?? 'unknown',
            ...(e.state?.reason ? { reason: e.state.reason } : {}),
            tags: e.tags,
          });
        }
        nextToken = page.nextToken;
      } while (nextToken);
    } catch (err) {
      throw toFisError(err);
    }
    return out;
  }

  async listTargetAccounts(region: string, templateId: string): Promise<FisTargetAccount[]> {
    const out: FisTargetAccount[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const page = await this.call(region, (client, sdk) =>
          client.send(
            new sdk.ListTargetAccountConfigurationsCommand({
              experimentTemplateId: templateId,
              maxResults: 100,
              nextToken,
            }),
          ),
        );
        for (const c of page.targetAccountConfigurations ?? []) {
          if (!c.accountId) continue;
          out.push({
            accountId: c.accountId,
            ...(c.roleArn ? { roleArn: c.roleArn } : {}),
            ...(c.description ? { description: c.description } : {}),
          });
        }
        nextToken = page.nextToken;
      } while (nextToken);
    } catch (err) {
      throw toFisError(err);
    }
    return out;
  }

  async findExperiments(
    region: string,
    templateId: string,
    tag: { key: string; value: string },
  ): Promise<FisExperiment[]> {
    // ListExperiments in this SDK version cannot filter by template, so page through the region's
    // experiments; the summaries carry the tags the bot set at start.
    const ids: string[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const out = await this.call(region, (client, sdk) =>
          client.send(new sdk.ListExperimentsCommand({ maxResults: 100, nextToken })),
        );
        for (const e of out.experiments ?? []) {
          if (e.id && e.experimentTemplateId === templateId && e.tags?.[tag.key] === tag.value)
            ids.push(e.id);
        }
        nextToken = out.nextToken;
      } while (nextToken);
    } catch (err) {
      throw toFisError(err);
    }
    const found: FisExperiment[] = [];
    for (const id of ids) {
      const e = await this.getExperiment(region, id);
      if (e) found.push(e);
    }
    return found;
  }

  /** One call through the region's client, with the package's command classes. */
  private async call<T>(region: string, fn: (client: FisClient, sdk: FisSdk) => Promise<T>): Promise<T> {
    const sdk = await this.sdk();
    return fn(this.client(sdk, region), sdk);
  }

  private client(sdk: FisSdk, region: string): FisClient {
    let c = this.clients.get(region);
    if (!c) {
      c = this.newClient(sdk, region, this.o.credentials);
      this.clients.set(region, c);
    }
    return c;
  }

  private newClient(
    sdk: FisSdk,
    region: string,
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined,
  ): FisClient {
    return new sdk.FisClient({
      region,
      maxAttempts: 3,
      ...(this.o.endpoint ? { endpoint: this.o.endpoint } : {}),
      ...(credentials ? { credentials } : {}),
    });
  }
}

function toExperiment(e: Experiment | undefined): FisExperiment {
  if (!e?.id) throw new FisError('InvalidResponse', 'FIS returned no experiment');
  // state.error arrives as JSON even where this SDK version's types do not name it yet.
  const state = e.state as { status?: string; reason?: string; error?: FisExperimentError } | undefined;
  const definition: FisDefinition | undefined =
    e.actions || e.targets
      ? {
          actions: (e.actions ?? {}) as FisDefinition['actions'],
          targets: (e.targets ?? {}) as FisDefinition['targets'],
          stopConditions: e.stopConditions ?? [],
          roleArn: e.roleArn,
        }
      : undefined;
  return {
    id: e.id,
    templateId: e.experimentTemplateId ?? '',
    status: state?.status ?? 'unknown',
    ...(state?.reason ? { reason: state.reason } : {}),
    ...(state?.error ? { error: state.error } : {}),
    ...(e.tags ? { tags: e.tags } : {}),
    ...(definition ? { definition } : {}),
  };
}

/** FIS's ResourceNotFoundException (the SDK names its modeled errors; the class is in the lazily loaded package). */
function notFound(err: unknown): boolean {
  return (err as { name?: string } | undefined)?.name === 'ResourceNotFoundException';
}

function toFisError(err: unknown): FisError {
  const e = err as {
    name?: string;
    message?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
  };
  // A client error is FIS's answer; a server fault or a network error says nothing about what happened.
  // The SDK marks every unmodeled error (FIS's InternalServerException, a 503) `$fault: "client"`, so
  // the HTTP status decides: a 5xx is never a refusal.
  const status = e?.$metadata?.httpStatusCode;
  const refused = e?.$fault === 'client' && status !== undefined && status < 500;
  return new FisError(e?.name ?? 'Error', e?.message ?? String(err), refused);
}
