/**
 * The bot's view of the Resource Groups Tagging API: which resources carry a set of tags, the way FIS
 * resolves a target's `resourceTags`. No SDK types here; src/adapters/tagging.ts implements it.
 */

export interface TaggedResource {
  arn: string;
  tags: Record<string, string>;
}

export class TaggingError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly refused = false,
  ) {
    super(message);
    this.name = 'TaggingError';
  }
}

export interface TaggingPort {
  /**
   * Resources of `resourceType` (the tagging API's `service:type`, e.g. `ec2:instance`) in `region`
   * carrying every tag in `tags` with exactly that value.
   */
  findResources(
    region: string,
    resourceType: string,
    tags: Record<string, string>,
  ): Promise<TaggedResource[]>;
}
