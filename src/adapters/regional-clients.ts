/**
 * One SDK client per region, made on first use. The bot reads and acts in whatever region a command names, and
 * an SDK client is bound to one region; the adapters over CloudWatch, STS and the tagging API share this cache.
 */

/** Where the adapters send: a local stand-in (endpoint and its credentials), or the SDK's defaults. */
export interface AwsTarget {
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The settings every such client gets: its region, the SDK's standard retries (3 attempts), the target. */
export interface RegionalClientConfig extends AwsTarget {
  region: string;
  maxAttempts: number;
}

export function regionalClients<C>(
  make: (config: RegionalClientConfig) => C,
  target: AwsTarget,
): (region: string) => C {
  const clients = new Map<string, C>();
  return (region) => {
    let c = clients.get(region);
    if (!c) {
      c = make({
        region,
        maxAttempts: 3,
        ...(target.endpoint ? { endpoint: target.endpoint } : {}),
        ...(target.credentials ? { credentials: target.credentials } : {}),
      });
      clients.set(region, c);
    }
    return c;
  };
}

/** A region's client and its package's exports (the command classes), for one call. */
export type LazyClients<M, C> = <T>(region: string, call: (client: C, sdk: M) => Promise<T>) => Promise<T>;

/**
 * The same cache over an SDK package imported on first use rather than when the bot starts: a rarely
 * used service's client package (EC2's alone is about 45 MB of RSS and 14 MB of JS heap once loaded)
 * costs nothing until a call needs it. A failed import is not kept: the next call tries again.
 */
export function lazyRegionalClients<M, C>(
  load: () => Promise<M>,
  make: (sdk: M, config: RegionalClientConfig) => C,
  target: AwsTarget,
): LazyClients<M, C> {
  const sdk = lazyImport(load);
  let clientOf: ((region: string) => C) | undefined;
  return async (region, call) => {
    const m = await sdk();
    clientOf ??= regionalClients((config) => make(m, config), target);
    return call(clientOf(region), m);
  };
}

/** `load` once, on the first call; a failed import is not kept, so the next call tries again. */
export function lazyImport<M>(load: () => Promise<M>): () => Promise<M> {
  let loading: Promise<M> | undefined;
  return () => {
    loading ??= load().catch((err) => {
      loading = undefined;
      throw err;
    });
    return loading;
  };
}
