/**
 * What the Slack-native tests (agent sessions, App Home) share: the app as declared as an agent in
 * manifest.yml, a rig for it (optionally with a second replica on the same store), and the ways a
 * test reads what a person sees (a session's status, a Home tab, the bot's Stop button).
 */
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../src/adapters/embedded-dynamo.ts';
import { type RunningBot, startBot } from '../../src/bot.ts';
import { createLogger } from '../../src/log.ts';
import type { AgentStatus } from '../../src/stand-ins/fake-slack-agents.ts';
import { MANIFEST_BOT_EVENTS, MANIFEST_SCOPES } from './manifest.ts';
import { CHANNEL, type Rig, SIGNING_SECRET, startRig } from './rig.ts';

/** The manifest's scopes and events, as an app declared as an agent has them. */
export const AGENT_APP = { scopes: [...MANIFEST_SCOPES], botEvents: [...MANIFEST_BOT_EVENTS] };

export type RigOptions = NonNullable<Parameters<typeof startRig>[0]>;

/** A rig for the agent app (options merged over AGENT_APP's Slack settings). */
export function startAgentRig(opts: RigOptions = {}): Promise<Rig> {
  return startRig({ ...opts, slack: { ...AGENT_APP, ...opts.slack } });
}

export interface ReplicaRig extends Rig {
  /** The second replica: same configuration, same store, behind the same request URL. */
  other: RunningBot;
  /** The store both replicas share. */
  store: EmbeddedDynamo;
  /** Stops the first replica (as a deploy or crash would); Slack then reaches only the other. */
  stopFirst(): Promise<void>;
}

/**
 * Two replicas of the bot sharing one store, behind one request URL (Slack's deliveries go round
 * robin; `rig.slack.pinned` sends them all to one).
 */
export async function startAgentReplicas(opts: RigOptions = {}): Promise<ReplicaRig> {
  const store: EmbeddedDynamo = await startEmbeddedDynamo(undefined, 'us-east-1');
  const rig = await startAgentRig({ ...opts, hooks: { ...opts.hooks, sharedStore: store } });
  const other = await startBot(rig.config, createLogger(rig.config.logLevel), { sharedStore: store });
  const target = (b: RunningBot) => ({
    url: `http://127.0.0.1:${b.port}/slack/events`,
    signingSecret: SIGNING_SECRET,
  });
  rig.slack.connectApps([target(rig.bot), target(other)]);
  let firstStopped = false;
  const close = rig.close.bind(rig);
  return Object.assign(rig, {
    other,
    store,
    async stopFirst() {
      firstStopped = true;
      await rig.bot.stop(0);
      rig.slack.connectApp(target(other));
    },
    async close() {
      await other.stop(0);
      // rig.close stops the first replica; stopping it twice is harmless but slow.
      if (firstStopped) rig.bot.stop = async () => undefined;
      await close();
      await store.close();
    },
  });
}

export const json = (v: unknown) => JSON.stringify(v);

/** The thread's agent session status in Slack (undefined: no session). */
export const sessionStatus = (rig: Rig, threadTs: string, channel = CHANNEL) =>
  rig.slack.agents.session(channel, threadTs)?.status;

export function waitForStatus(
  rig: Rig,
  threadTs: string,
  status: AgentStatus,
  timeoutMs = 10_000,
): Promise<true> {
  return rig.slack.waitFor(
    () => sessionStatus(rig, threadTs) === status,
    timeoutMs,
    `the agent session to be ${status}`,
  );
}

/** Whether any version of any reply in the thread showed the bot's own Stop button. */
export const hasStopButton = (rig: Rig, ts: string) =>
  rig.slack.replies(CHANNEL, ts).some((m) => m.versions.some((v) => json(v.blocks).includes('"stop_run"')));

/** A person's Home tab as last published, as text. */
export const homeText = (rig: Rig, user: string) => json(rig.slack.agents.homes.get(user)?.blocks ?? []);

/** How many times a person's Home tab was published. */
export const homeVersions = (rig: Rig, user: string) =>
  rig.slack.agents.homes.get(user)?.versions.length ?? 0;
