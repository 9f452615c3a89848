/**
 * The inline function the agent calls to ask for an FIS experiment. Offered only on invocations that
 * may lead to an experiment (`/fis run`, and follow-ups in a `/fis prepare` thread). Its result comes
 * from the bot after a human decides; the agent has no other way to start an experiment.
 */
import { APPROVAL_TOOL } from './approval-types.ts';
import type { InlineTool } from './ports.ts';

export const APPROVAL_INLINE_TOOL: InlineTool = {
  name: APPROVAL_TOOL,
  description:
    'Ask a human approver in Slack to approve starting an AWS FIS experiment from an existing experiment template. ' +
    'The bot shows the template to the approvers and, only if one approves, starts the experiment itself and returns ' +
    '{decision: "approved", experimentId, approver}. Any other decision (denied, expired, refused, error) means the ' +
    'experiment was not started and must not be started by any other means.',
  inputSchema: {
    type: 'object',
    properties: {
      experimentTemplateId: {
        type: 'string',
        description: 'The FIS experiment template id, e.g. EXT1a2b3c4d5e6f7.',
      },
      region: { type: 'string', description: 'The AWS Region of the template, e.g. us-east-1.' },
      summary: { type: 'string', description: 'One or two sentences: what the experiment does and why now.' },
      expectedImpact: { type: 'string', description: 'What users and systems should notice while it runs.' },
    },
    required: ['experimentTemplateId', 'region', 'summary', 'expectedImpact'],
    additionalProperties: false,
  },
};
