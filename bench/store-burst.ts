/**
 * `tsx bench/store-burst.ts [count]`: how fast the bench's store stand-in (dynalite in its own
 * process, bench/dynamo-process.ts) answers a burst of the duplicate checks a command burst sends
 * (conditional PutItem, two per command), through the bot's own store client (50 sockets, 3 s
 * request timeout, 4 attempts). It tells a slow stand-in from the bot: the scale case refuses a
 * command "cannot record" when its checks are not answered within 10 s.
 */

import { EMBEDDED_TABLE } from '../src/adapters/embedded-dynamo.ts';
import { DynamoSessionStore } from '../src/adapters/session-store.ts';
import { startCountingDynamoProcess } from './dynamo-process.ts';
import { pct } from './measure.ts';
import { loads } from './scenario.ts';

const count = Number(process.argv[2] ?? 2_000);
const dynamo = await startCountingDynamoProcess('us-east-1');
const store = new DynamoSessionStore({
  ttlDays: 30,
  region: 'us-east-1',
  endpoint: dynamo.endpoint,
  table: EMBEDDED_TABLE,
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' },
});
await dynamo.reset();
const load = loads();
const t0 = performance.now();
const ms: number[] = [];
let failed = 0;
await Promise.all(
  Array.from({ length: count }, async (_, i) => {
    const at = performance.now();
    try {
      await store.remember(`burst:${i}`, 300);
    } catch (err) {
      if (failed++ === 0) console.error('first failure:', err, (err as Error).cause);
    }
    ms.push(performance.now() - at);
  }),
);
const wallMs = performance.now() - t0;
const service = Object.values(await dynamo.serviceMs()).flat();
console.log(
  `${count} checks in ${(wallMs / 1000).toFixed(1)} s (${Math.round((count * 1000) / wallMs)}/s), load ${load.join(' / ')}: ` +
    `client p50/p99/max ${Math.round(pct(ms, 50))} / ${Math.round(pct(ms, 99))} / ${Math.round(Math.max(...ms))} ms, ` +
    `over 10 s ${ms.filter((x) => x > 10_000).length}, failed ${failed}; ` +
    `store's own answer p50/p99 ${Math.round(pct(service, 50))} / ${Math.round(pct(service, 99))} ms over ${service.length} requests`,
);
await dynamo.close();
