/**
 * The stand-ins one benchmark scenario runs against, in the bench process: the fake Slack enforcing
 * Slack's rate limits, the harness emulator streaming each run's report, and the counting DynamoDB.
 * Returns the environment that points the bot at them.
 */
import { FakeSlack } from '../src/stand-ins/fake-slack.ts';
import { HarnessEmulator, type Invocation, userText } from '../src/stand-ins/harness-emulator.ts';
import { startCountingDynamoProcess } from './dynamo-process.ts';
import { script } from './workload.ts';

export const HARNESS_ARN = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:harness/benchagent-AbCdEf1234';
export const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';
export const USER = 'U0BENCH01';
export const RUNS_PER_CHANNEL = 10;

export const channelOf = (run: number) => `C0BENCH${Math.floor(run / RUNS_PER_CHANNEL)}`;

export type Stands = Awaited<ReturnType<typeof stands>>;

/**
 * `onText(run, text, at)` sees every text delta the harness writes, with its run number.
 * `embeddedDynamo`: the bot keeps its own in-process store instead of the counting one.
 */
export async function stands(opts: {
  n: number;
  chars: number;
  onText?: (run: number, text: string, at: number) => void;
  embeddedDynamo?: boolean;
}) {
  const slack = await workspace(opts.n);
  const { harness, dynamo, env: awsEnv } = await agentAndStore(opts);
  const env = {
    ...(opts.embeddedDynamo ? {} : { BENCH_DYNAMO_ENDPOINT: dynamo.endpoint }),
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    ...awsEnv,
  };
  const channels = Math.max(1, Math.ceil(opts.n / RUNS_PER_CHANNEL));
  const close = async () => {
    await slack.stop();
    await harness.stop();
    await dynamo.close();
  };
  return { slack, harness, dynamo, channels, env, close };
}

/**
 * The scale case's stand-ins: `workspaces` fake Slack workspaces, each its own installation (its
 * own bot token, its own rate limits, `perWorkspace` runs in channels of RUNS_PER_CHANNEL), one
 * harness and one store for all. Run `w * perWorkspace + i` is workspace w's run i.
 */
export async function scaleStands(opts: {
  workspaces: number;
  perWorkspace: number;
  chars: number;
  onText?: (run: number, text: string, at: number) => void;
}) {
  const slacks: FakeSlack[] = [];
  for (let w = 0; w < opts.workspaces; w++)
    slacks.push(
      await workspace(opts.perWorkspace, {
        teamId: `T0WS${String(w).padStart(4, '0')}`,
        botToken: `xoxb-bench-workspace-${w}`,
      }),
    );
  const { harness, dynamo, env: awsEnv } = await agentAndStore(opts);
  const env = { BENCH_DYNAMO_ENDPOINT: dynamo.endpoint, SLACK_SIGNING_SECRET: SIGNING_SECRET, ...awsEnv };
  const perBot = slacks.map((s) => ({ SLACK_BOT_TOKEN: s.botToken, SLACK_API_URL: s.apiUrl }));
  const close = async () => {
    for (const s of slacks) await s.stop();
    await harness.stop();
    await dynamo.close();
  };
  return { slacks, harness, dynamo, env, perBot, close };
}

/** One workspace of the fake Slack enforcing Slack's rate limits, with its bench channels and user. */
async function workspace(n: number, o: { teamId?: string; botToken?: string } = {}): Promise<FakeSlack> {
  const slack = new FakeSlack({ enforceRateLimits: true, echoBotMessages: false, ...o });
  await slack.start();
  const channels = Math.max(1, Math.ceil(n / RUNS_PER_CHANNEL));
  for (let c = 0; c < channels; c++)
    slack.addChannel({ id: `C0BENCH${c}`, name: `bench-${c}`, members: [slack.botUserId, USER] });
  slack.addUser({ id: USER, name: 'bench' });
  return slack;
}

/** The harness emulator streaming each run's report (run number from `bench-<run>` in the prompt), and the counting store. */
async function agentAndStore(opts: {
  chars: number;
  onText?: (run: number, text: string, at: number) => void;
}) {
  const runOf = new Map<string, number>();
  const runFor = (inv: Invocation) => Number(/bench-(\d+)/.exec(userText(inv))?.[1] ?? -1);
  const onText = opts.onText;
  let harness: HarnessEmulator;
  harness = new HarnessEmulator({
    harnessArn: HARNESS_ARN,
    defaultScenario: (inv) => ({ steps: script(runFor(inv), opts.chars) }),
    onEvent: (sid, step, at) => {
      if (!onText || step.event !== 'contentBlockDelta') return;
      const t = (step.data as { delta?: { text?: string } }).delta?.text;
      if (!t) return;
      let run = runOf.get(sid);
      if (run === undefined) {
        const inv = harness.invocations.find((i) => i.sessionId === sid);
        run = inv ? runFor(inv) : -1;
        runOf.set(sid, run);
      }
      onText(run, t, at);
    },
  });
  await harness.start();
  const dynamo = await startCountingDynamoProcess('us-east-1');
  const env = {
    HARNESS_ARN,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_BEDROCK_AGENTCORE: harness.url,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  };
  return { harness, dynamo, env };
}

/**
 * What the harness saw: runs whose stream opened (one per session, however many attempts it took),
 * attempts refused with ThrottlingException (the bot retries them; 1,000 commands at once exceed the
 * harness's 25 invocations per second), attempts refused otherwise, and all attempts.
 */
export function harnessCalls(invocations: ReadonlyArray<Pick<Invocation, 'sessionId' | 'status'>>) {
  const started = new Set<string>();
  let throttled = 0;
  let refused = 0;
  for (const i of invocations) {
    if (i.status === 200) started.add(i.sessionId);
    else if (i.status === 429) throttled++;
    else refused++;
  }
  return { runsStarted: started.size, throttled, refused, attempts: invocations.length };
}

/** `count` slash commands sent at once (RUNS_PER_CHANNEL per channel); resolves with each ack's latency in ms. */
export function commandBurst(slack: FakeSlack, count: number, firstRun = 0): Promise<number[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      slack
        .slashCommand({
          command: '/assess',
          text: `eks bench-${firstRun + i} us-west-2`,
          user: USER,
          channel: channelOf(i),
        })
        .then((r) => r.ms),
    ),
  );
}

/** The forms of `count` slash commands (RUNS_PER_CHANNEL per channel), for the ack burst's own load generator. */
export function commandForms(slack: FakeSlack, count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    slack.slashCommandForm({
      command: '/assess',
      text: `eks bench-${i} us-west-2`,
      user: USER,
      channel: channelOf(i),
    }),
  );
}
