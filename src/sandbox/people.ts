/** The sandbox's fake workspace: three people to switch between, the channels, and the approvers group. */

export type Role = 'requester' | 'approver' | 'someone else';

export interface Person {
  id: string;
  name: string;
  role: Role;
}

export const PEOPLE: readonly Person[] = [
  { id: 'U0ALICE01', name: 'alice', role: 'requester' },
  { id: 'U0ERIN003', name: 'erin', role: 'approver' },
  { id: 'U0BOB0002', name: 'bob', role: 'someone else' },
];

/** A user group holding the approver, for an approval gate that checks group membership. */
export const APPROVERS_GROUP = { id: 'S0APPROVE1', handle: 'fis-approvers', members: ['U0ERIN003'] };

/** The bot is a member of every sandbox channel; #general is FakeSlack's own default channel. */
export const CHANNELS: ReadonlyArray<{ id: string; name: string }> = [
  { id: 'C0GENERAL', name: 'general' },
  { id: 'C0SREOPS1', name: 'sre-ops' },
];

export const BOT_NAME = 'opsagent';

/** Each person's direct-message conversation with the bot (Slack's DM ids start with D). */
export const dmOf = (userId: string): string => `D${userId.slice(1)}`;

/**
 * The bot token's scopes in the sandbox: exactly what manifest.yml grants (a unit test compares them),
 * so what works in a real install works here, and what fails there fails here.
 */
export const MANIFEST_BOT_SCOPES: readonly string[] = [
  'commands',
  'chat:write',
  'channels:join',
  'channels:history',
  'groups:history',
  'app_mentions:read',
  'usergroups:read',
  'reactions:write',
  'im:history',
  'files:write',
];

/** The emulator's harness when no HARNESS_ARN is configured. */
export const SANDBOX_HARNESS_ARN =
  'arn:aws:bedrock-agentcore:us-west-2:123456789012:harness/sandbox-Sandbox001';

/** The sandbox's cost harness (`/cost`, one harness per function) and its billing Gateway. */
export const SANDBOX_COST_HARNESS_ARN =
  'arn:aws:bedrock-agentcore:us-west-2:123456789012:harness/sandbox_cost-CoSt123456';
export const SANDBOX_BILLING_GATEWAY_ARN =
  'arn:aws:bedrock-agentcore:us-west-2:123456789012:gateway/sandbox-billing-0a1b2c3d4e';
