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
