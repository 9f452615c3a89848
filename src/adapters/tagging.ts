/** TaggingPort over @aws-sdk/client-resource-groups-tagging-api, one client per region. */
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { type TaggedResource, TaggingError, type TaggingPort } from '../core/tagging.ts';
import { type AwsTarget, type LazyClients, lazyRegionalClients } from './regional-clients.ts';

/** The package, loaded on the first call (regional-clients.ts): only a FIS approval makes one. */
const loadSdk = () => import('@aws-sdk/client-resource-groups-tagging-api');

export class AwsTagging implements TaggingPort {
  /** `endpoint`/`credentials`: a local stand-in; otherwise the SDK's defaults (AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API included). */
  constructor(o: AwsTarget = {}) {
    this.client = lazyRegionalClients(
      loadSdk,
      (sdk, config) => new sdk.ResourceGroupsTaggingAPIClient(config),
      o,
    );
  }

  private readonly client: LazyClients<Awaited<ReturnType<typeof loadSdk>>, ResourceGroupsTaggingAPIClient>;

  async findResources(
    region: string,
    resourceType: string,
    tags: Record<string, string>,
  ): Promise<TaggedResource[]> {
    const out: TaggedResource[] = [];
    let PaginationToken: string | undefined;
    try {
      do {
        const page = await this.client(region, (client, sdk) =>
          client.send(
            new sdk.GetResourcesCommand({
              // Each filter with one value: a resource must carry every tag with exactly that value.
              TagFilters: Object.entries(tags).map(([Key, v]) => ({ Key, Values: [v] })),
              ResourceTypeFilters: [resourceType],
              ResourcesPerPage: 100,
              ...(PaginationToken ? { PaginationToken } : {}),
            }),
          ),
        );
        for (const r of page.ResourceTagMappingList ?? []) {
          if (!r.ResourceARN) continue;
          out.push({
            arn: r.ResourceARN,
            tags: Object.fromEntries((r.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
          });
        }
        // The last page carries an empty token, not none.
        PaginationToken = page.PaginationToken || undefined;
      } while (PaginationToken);
    } catch (err) {
      const e = err as { name?: string; message?: string; $fault?: string };
      throw new TaggingError(e?.name ?? 'Error', e?.message ?? String(err), e?.$fault === 'client');
    }
    return out;
  }
}
