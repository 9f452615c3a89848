/**
 * The bench runs the bot with the V8 heap flags of the deployed process (deploy/Dockerfile's CMD):
 * peak RSS is a target for the process as deployed, and V8 otherwise sizes its heap from the bench
 * machine's memory rather than the task's.
 */
import { describe, expect, it } from 'vitest';
import { deployedHeapFlags } from '../../bench/bot-control.ts';

describe('deployedHeapFlags', () => {
  it('takes the heap flags from the last CMD, and nothing else', () => {
    const dockerfile = [
      'FROM node AS build',
      'CMD ["node", "--max-old-space-size=999", "build.js"]',
      'FROM node',
      'CMD ["node", "--enable-source-maps", "--max-old-space-size=256", "--max-semi-space-size=16", "dist/main.js"]',
    ].join('\n');
    expect(deployedHeapFlags(dockerfile)).toEqual(['--max-old-space-size=256', '--max-semi-space-size=16']);
  });

  it('the deployed bot has its old space sized explicitly, so the bench measures that process', () => {
    expect(deployedHeapFlags()).toContainEqual(expect.stringMatching(/^--max-old-space-size=\d+$/));
  });
});
