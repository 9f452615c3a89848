/**
 * RDS targets through the approval gate (issue 16), end to end against the RDS stand-in: the card evaluates a
 * template's filters on aws:rds:db descriptions as FIS does (no "upper bound" caveat), a tagged database RDS
 * no longer knows is not a target (at card time, and between card and click, where it leaves the pool and the
 * thread says so), and the recovery watch names an unhealthy DB instance or cluster by its RDS state.
 * (The rig's experiments run 3 s; FIS_RECOVERY_MINUTES is 3 s.)
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';
import { RdsEmulator } from '../../src/stand-ins/rds-emulator.ts';
import { fisExecuteAgent } from '../../src/stand-ins/scenarios.ts';
import { approveAndWaitForStart, requestTemplateRun, threadText, verdictLine } from '../helpers/approval.ts';
import { type Rig, resetWorld, startRig } from '../helpers/rig.ts';

const db = (name: string) => `arn:aws:rds:us-east-1:123456789012:db:${name}`;
const cluster = (name: string) => `arn:aws:rds:us-east-1:123456789012:cluster:${name}`;

/** A template over RDS targets, guarded by the rig's checkout-5xx alarm. */
function rdsTemplate(id: string, target: Record<string, unknown>, action: Record<string, unknown>) {
  return sampleTemplate(id, {
    description: 'Reboot the orders databases',
    targets: { databases: { selectionMode: 'ALL', ...target } },
    actions: {
      hit: {
        targets: { [target.resourceType === 'aws:rds:cluster' ? 'Clusters' : 'DBInstances']: 'databases' },
        ...action,
      },
    },
  } as never);
}

describe('RDS targets at the approval gate', () => {
  let rig: Rig;
  const rds = new RdsEmulator();
  beforeAll(async () => {
    await rds.start();
    // The standard SDK variable, as an operator would set it; the bot's RDS client reads it when first used.
    process.env.AWS_ENDPOINT_URL_RDS = rds.url;
    rig = await startRig({
      env: { FIS_RECOVERY_MINUTES: '0.05', FIS_APPROVAL_TTL_MINUTES: '1' },
      harness: { defaultScenario: fisExecuteAgent() },
    });
  });
  afterAll(async () => {
    await rig.close();
    await rds.stop();
    delete process.env.AWS_ENDPOINT_URL_RDS;
  });
  beforeEach(() => {
    rig.fis.templates.clear();
    resetWorld(rig);
    rds.clear();
    for (const [name, engine, az] of [
      ['orders-a', 'postgres', 'us-east-1a'],
      ['orders-b', 'postgres', 'us-east-1b'],
      ['orders-c', 'mysql', 'us-east-1c'],
    ] as const) {
      rds.putInstance(db(name), { engine, az });
      rig.tagging.tag(db(name), { app: 'orders' });
    }
  });

  it('a filter on an RDS target narrows the card to the databases FIS will act on, with their AZs', async () => {
    // Still tagged, but deleted: the tagging API can list a resource RDS no longer has.
    rig.tagging.tag(db('orders-old'), { app: 'orders' });
    const { card } = await requestTemplateRun(
      rig,
      rdsTemplate(
        'EXT0rds0filter001',
        {
          resourceType: 'aws:rds:db',
          resourceTags: { app: 'orders' },
          filters: [{ path: 'Engine', values: ['postgres'] }],
        },
        { actionId: 'aws:rds:reboot-db-instances' },
      ),
    );
    const shown = JSON.stringify(card.blocks);
    expect(shown).toContain('2 of 2');
    expect(shown).toContain('orders-a');
    expect(shown).toContain('orders-b');
    expect(shown).not.toContain('orders-c');
    expect(shown).not.toContain('orders-old');
    expect(shown).not.toMatch(/upper bound/);
    expect(shown).toMatch(/AZs us-east-1a, us-east-1b\./);
  }, 40_000);

  it('a database deleted between the card and the click leaves the pool: it starts, and the thread says which is gone', async () => {
    const { root, card } = await requestTemplateRun(
      rig,
      rdsTemplate(
        'EXT0rds0vanish001',
        { resourceType: 'aws:rds:db', resourceTags: { app: 'orders' } },
        { actionId: 'aws:rds:reboot-db-instances' },
      ),
    );
    expect(JSON.stringify(card.blocks)).toContain('3 of 3');
    rds.forget(db('orders-c'));
    await approveAndWaitForStart(rig, card, root.ts);
    expect(threadText(rig, root.ts)).toMatch(/Fewer targets than the card showed/);
    expect(threadText(rig, root.ts)).toContain('orders-c');
  }, 40_000);

  it('a DB instance still rebooting at the deadline: not recovered, naming it and its state', async () => {
    const { root, card } = await requestTemplateRun(
      rig,
      rdsTemplate(
        'EXT0rds0reboot001',
        { resourceType: 'aws:rds:db', resourceArns: [db('orders-a'), db('orders-b')] },
        { actionId: 'aws:rds:reboot-db-instances' },
      ),
    );
    await approveAndWaitForStart(rig, card, root.ts);
    rds.setInstance(db('orders-b'), { status: 'rebooting' });
    const verdict = await verdictLine(rig, root.ts);
    expect(verdict).toMatch(/Not recovered:/);
    expect(verdict).toMatch(/orders-b.{0,3} rebooting/);
    expect(verdict).not.toContain('orders-a');
    expect(verdict).not.toMatch(/Not checked/);
  }, 60_000);

  it('a DB cluster still failing over at the deadline: not recovered, naming its state', async () => {
    rds.putCluster(cluster('orders'), { writer: 'orders-a' });
    rds.putInstance(db('orders-a'), { clusterId: 'orders' });
    rds.putInstance(db('orders-b'), { clusterId: 'orders' });
    const { root, card } = await requestTemplateRun(
      rig,
      rdsTemplate(
        'EXT0rds0failover1',
        { resourceType: 'aws:rds:cluster', resourceArns: [cluster('orders')] },
        { actionId: 'aws:rds:failover-db-cluster' },
      ),
    );
    await approveAndWaitForStart(rig, card, root.ts);
    rds.setCluster(cluster('orders'), { status: 'failing-over' });
    const verdict = await verdictLine(rig, root.ts);
    expect(verdict).toMatch(/Not recovered:/);
    expect(verdict).toMatch(/orders.{0,3} failing-over/);
  }, 60_000);

  it('a cluster whose rebooted member comes back: recovered, counting the cluster as checked', async () => {
    rds.putCluster(cluster('orders'), { writer: 'orders-a' });
    rds.putInstance(db('orders-a'), { clusterId: 'orders' });
    rds.putInstance(db('orders-b'), { clusterId: 'orders' });
    const { root, card } = await requestTemplateRun(
      rig,
      rdsTemplate(
        'EXT0rds0failover2',
        { resourceType: 'aws:rds:cluster', resourceArns: [cluster('orders')] },
        { actionId: 'aws:rds:failover-db-cluster' },
      ),
    );
    await approveAndWaitForStart(rig, card, root.ts);
    rds.setInstance(db('orders-b'), { status: 'rebooting' });
    await rig.slack.waitFor(() => /is \*completed\*/.test(threadText(rig, root.ts)), 15_000, 'the end');
    await new Promise((r) => setTimeout(r, 400));
    expect(threadText(rig, root.ts)).not.toMatch(/Recovered:/);
    rds.setInstance(db('orders-b'), { status: 'available' });
    const verdict = await verdictLine(rig, root.ts);
    expect(verdict).toMatch(/Recovered:.*every stop-condition alarm and the 1 checked target resource\b/);
    expect(verdict).not.toMatch(/Not checked/);
  }, 60_000);
});
