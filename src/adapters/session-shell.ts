/**
 * SessionShell over InvokeAgentRuntimeCommand: runs a shell command in the agent's own session
 * (the harness ARN as agentRuntimeArn, the thread's runtimeSessionId), to read files the agent wrote.
 */
import { BedrockAgentCoreClient, InvokeAgentRuntimeCommandCommand } from '@aws-sdk/client-bedrock-agentcore';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { SessionShell } from '../core/ports.ts';

export interface AgentCoreShellOptions {
  harnessArn: string;
  qualifier?: string;
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Output beyond this is cut (a report file is text; this guards memory). */
  maxOutputBytes?: number;
}

export class AgentCoreSessionShell implements SessionShell {
  private readonly client: BedrockAgentCoreClient;

  constructor(private readonly o: AgentCoreShellOptions) {
    this.client = new BedrockAgentCoreClient({
      region: o.region,
      maxAttempts: 2,
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      ...(o.credentials ? { credentials: o.credentials } : {}),
      requestHandler: new NodeHttpHandler({ connectionTimeout: 10_000, socketTimeout: 60_000 }),
    });
  }

  async run(runtimeSessionId: string, command: string, timeoutSeconds = 30) {
    const res = await this.client.send(
      new InvokeAgentRuntimeCommandCommand({
        agentRuntimeArn: this.o.harnessArn,
        runtimeSessionId,
        ...(this.o.qualifier ? { qualifier: this.o.qualifier } : {}),
        body: { command, timeout: timeoutSeconds },
      }),
    );
    const max = this.o.maxOutputBytes ?? 2_000_000;
    let stdout = '';
    let stderr = '';
    let exitCode = -1;
    let status = 'UNKNOWN';
    for await (const ev of res.stream ?? []) {
      if ('chunk' in ev && ev.chunk) {
        const d = ev.chunk.contentDelta;
        if (d?.stdout && stdout.length < max) stdout += d.stdout;
        if (d?.stderr && stderr.length < 10_000) stderr += d.stderr;
        if (ev.chunk.contentStop) {
          exitCode = ev.chunk.contentStop.exitCode ?? -1;
          status = String(ev.chunk.contentStop.status ?? 'UNKNOWN');
        }
        continue;
      }
      const [name, value] = Object.entries(ev).find(([, v]) => v !== undefined) ?? ['unknown', {}];
      throw Object.assign(new Error((value as { message?: string }).message ?? name), { name });
    }
    return { stdout: stdout.slice(0, max), stderr, exitCode, status };
  }
}
