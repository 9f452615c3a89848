/**
 * The ack burst's load generator, in a process of its own (forked by bench/ack-burst.ts): apart from
 * the bot, and apart from the stand-ins (the counting DynamoDB, the fake Slack's Web API, the
 * harness emulator), whose work after the acks would otherwise delay the reading of later acks.
 * It sends the forms it is given all at once over kept-alive connections, as Slack keeps
 * connections to a busy app open, each signed before the clock starts; an ack's time is from its
 * request being written to its response having ended.
 */
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 1_000 });

function post(url: URL, body: string, secret: string): () => Promise<number> {
  const ts = String(Math.floor(Date.now() / 1000));
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    'content-length': String(Buffer.byteLength(body)),
    'x-slack-request-timestamp': ts,
    'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`,
  };
  return () =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const req = request(url, { method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.once('end', () =>
          res.statusCode === 200
            ? resolve(performance.now() - started)
            : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      });
      req.once('error', reject);
      req.end(body);
    });
}

process.on('message', async (m: { type: string; url: string; secret: string; forms: string[] }) => {
  if (m.type === 'stop') {
    agent.destroy();
    process.exit(0);
  }
  if (m.type !== 'round') return;
  const url = new URL(m.url);
  const sends = m.forms.map((f) => post(url, f, m.secret));
  const cpu0 = process.cpuUsage();
  const ms = await Promise.all(sends.map((send) => send()));
  const cpu = process.cpuUsage(cpu0);
  process.send?.({ type: 'round', ms: ms.map((x) => Math.round(x)), cpuUs: cpu.user + cpu.system });
});
process.send?.({ type: 'ready' });
