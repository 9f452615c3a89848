/**
 * One regional AgentCore endpoint in front of several harness emulators: all harnesses of a region
 * share `https://bedrock-agentcore.<region>.amazonaws.com`, and each call names its harness (the
 * `harnessArn` query parameter of InvokeHarness, the ARN in the path of the runtime operations).
 * Calls go to the emulator deployed with that ARN; a call naming none of them goes to the first,
 * which answers ResourceNotFoundException exactly as for a single harness.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HarnessEmulator } from './harness-emulator.ts';

export class HarnessRegion {
  url = '';
  private server: Server | undefined;

  constructor(private readonly harnesses: readonly { arn: string; emulator: HarnessEmulator }[]) {
    if (harnesses.length === 0) throw new Error('a region needs at least one harness');
  }

  private target(path: string): HarnessEmulator {
    const url = new URL(path, 'http://localhost');
    const runtime = /^\/runtimes\/([^/]+)\//.exec(url.pathname)?.[1];
    const arn = runtime ? decodeURIComponent(runtime) : url.searchParams.get('harnessArn');
    return (this.harnesses.find((h) => h.arn === arn) ?? this.harnesses[0]!).emulator;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const to = new URL(this.target(req.url ?? '/').url);
      const out = request(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
        (upstream) => {
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          upstream.pipe(res);
        },
      );
      out.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      // A caller that goes away (an aborted stream) must reach the emulator as a closed connection.
      res.on('close', () => out.destroy());
      req.pipe(out);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
