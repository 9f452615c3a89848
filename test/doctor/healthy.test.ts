import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type World, world } from './deployment.ts';

describe('doctor on a healthy deployment', () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  }, 60_000);
  afterAll(() => w.close());

  it('prints PASS for every check and exits 0', async () => {
    const r = await w.doctor();
    console.log(r.output);
    expect(r.findings.filter((f) => f.status !== 'PASS')).toEqual([]);
    expect(r.exitCode).toBe(0);
  }, 60_000);
});
