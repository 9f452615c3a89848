/**
 * The SDK's HTTP handler keeps the request it sent for as long as the connection's listeners live (the
 * whole InvokeHarness stream): releaseRequestBodies drops the body once the response has arrived, so
 * 1,000 streams in flight do not each hold their serialised request.
 */
import { Readable } from 'node:stream';
import { BedrockAgentCoreClient, StopRuntimeSessionCommand } from '@aws-sdk/client-bedrock-agentcore';
import { describe, expect, it } from 'vitest';
import { releaseRequestBodies } from '../../src/adapters/harness-request-body.ts';

describe('releaseRequestBodies', () => {
  it('drops the body of the request the HTTP handler was given once its response has arrived', async () => {
    const sent: Array<{ body?: unknown }> = [];
    const bodyLengths: number[] = [];
    const client = new BedrockAgentCoreClient({
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler: {
        handle: async (request: { body?: unknown }) => {
          sent.push(request);
          bodyLengths.push(String(request.body ?? '').length);
          return {
            response: {
              statusCode: 200,
              headers: { 'content-type': 'application/json' },
              body: Readable.from([Buffer.from('{"runtimeSessionId":"s-1","statusCode":200}')]),
            },
          };
        },
      },
    });
    releaseRequestBodies(client);
    await client.send(
      new StopRuntimeSessionCommand({
        agentRuntimeArn: 'arn:aws:bedrock-agentcore:us-east-1:1:runtime/x',
        runtimeSessionId: 's'.repeat(40),
      }),
    );
    expect(sent).toHaveLength(1);
    // The body was there when the request went out, and is gone now.
    expect(bodyLengths[0]).toBeGreaterThan(0);
    expect(sent[0]!.body).toBeUndefined();
  });
});
