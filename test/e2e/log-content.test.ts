/**
 * Logs carry sizes and ids, not content: at debug level the Slack request and response bodies (what
 * people wrote, the agent's answers) and at error level an undelivered answer are not written,
 * unless LOG_CONTENT=true asks for them.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { commandRoot, finalReplies, type Rig, startRig } from '../helpers/rig.ts';

const ASKED = 'quokka-cluster-7731';
const ANSWERED = 'The wombat node group 4242 is saturated.';

function sink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { stream, text: () => lines.join('') };
}

async function runOnce(env: Record<string, string>) {
  const out = sink();
  const rig: Rig = await startRig({
    env: { LOG_LEVEL: 'debug', ...env },
    log: (config) => createLogger(config.logLevel, out.stream as never, { content: config.logContent }),
  });
  try {
    rig.harness.enqueue(answer(ANSWERED));
    const root = await commandRoot(rig, { command: '/assess', text: `eks ${ASKED}` });
    await finalReplies(rig, root.channel, root.ts);
    await new Promise((r) => setTimeout(r, 200));
    return out.text();
  } finally {
    await rig.close();
  }
}

describe('log content', () => {
  it('at debug level, Slack bodies are logged as sizes: neither the question nor the answer appears', async () => {
    const logged = await runOnce({});
    expect(logged).not.toContain(ASKED);
    expect(logged).not.toContain('wombat');
    expect(logged).toContain('chat.postMessage'); // the calls themselves are still visible
    expect(logged).toContain('chars omitted');
  }, 60_000);

  it('LOG_CONTENT=true logs the bodies, for debugging on purpose', async () => {
    const logged = await runOnce({ LOG_CONTENT: 'true' });
    expect(logged).toContain(ASKED);
    expect(logged).toContain('wombat');
  }, 60_000);

  it('an undelivered answer logged at error level is its size unless LOG_CONTENT is set', async () => {
    for (const content of [false, true]) {
      const out = sink();
      createLogger('error', out.stream as never, { content }).error(
        { channel: 'C1', undelivered: ANSWERED },
        'could not deliver the agent answer to Slack',
      );
      await new Promise((r) => setTimeout(r, 20));
      if (content) expect(out.text()).toContain('wombat');
      else {
        expect(out.text()).not.toContain('wombat');
        expect(out.text()).toContain(`[${ANSWERED.length} chars omitted]`);
      }
    }
  });
});
