/**
 * Shutdown closes the embedded store even while something still holds a connection to it. Runs
 * that outlive the drain's deadline keep talking to the store (heartbeats, the interruption record);
 * a plain `server.close()` waits for those connections to end, so stopping the bot could hang.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startEmbeddedDynamo } from '../../src/adapters/embedded-dynamo.ts';

describe('embedded store shutdown', () => {
  it('closes while a client is half-way through a request', async () => {
    const store = await startEmbeddedDynamo(undefined, 'us-east-1');
    const { port, hostname } = new URL(store.endpoint);
    const socket = connect(Number(port), hostname);
    socket.on('error', () => {}); // the reset that close() causes is the point
    await new Promise<void>((r) => socket.once('connect', () => r()));
    // Headers not finished: the connection is active, not idle, so close() alone would wait for it.
    socket.write('POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\n{"a"');
    const ended = new Promise<void>((r) => socket.once('close', () => r()));
    await store.close();
    await ended;
    expect(socket.destroyed).toBe(true);
  }, 10_000);
});
