/**
 * A TCP proxy in front of a local service (the embedded DynamoDB) whose behaviour a test switches:
 * `up` forwards, `refuse` resets every connection, `blackhole` accepts and never answers (an
 * unreachable network path), `slow` forwards each new connection after `slowMs` (a store slow to
 * answer). Switching drops the connections already open, as an outage would.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export type FaultMode = 'up' | 'refuse' | 'blackhole' | 'slow';

export class FaultProxy {
  mode: FaultMode = 'up';
  slowMs = 3_000;
  private server: Server | undefined;
  private readonly open = new Set<Socket>();
  private target = { host: '127.0.0.1', port: 0 };
  port = 0;

  /** For BotHooks.storeEndpoint: remembers the real endpoint and answers with the proxy's. */
  route = (endpoint: string): string => {
    const u = new URL(endpoint);
    this.target = { host: u.hostname, port: Number(u.port) };
    return `http://127.0.0.1:${this.port}`;
  };

  async start(): Promise<void> {
    this.server = createServer((client) => {
      this.open.add(client);
      client.on('close', () => this.open.delete(client));
      client.on('error', () => undefined);
      if (this.mode === 'refuse') return void client.resetAndDestroy();
      if (this.mode === 'blackhole') return;
      if (this.mode === 'slow') {
        client.pause();
        setTimeout(() => this.forward(client), this.slowMs);
        return;
      }
      this.forward(client);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }

  private forward(client: Socket): void {
    if (client.destroyed) return;
    {
      const upstream = connect(this.target.port, this.target.host);
      this.open.add(upstream);
      upstream.on('close', () => {
        this.open.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
      client.resume();
    }
  }

  set(mode: FaultMode): void {
    this.mode = mode;
    for (const s of this.open) s.destroy();
  }

  async stop(): Promise<void> {
    for (const s of this.open) s.destroy();
    await new Promise((r) => this.server?.close(r));
  }
}
