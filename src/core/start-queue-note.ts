/**
 * The status note of a run whose start waits its turn at the harness's admission rate (the harness
 * adapter paces a burst of runs instead of letting AgentCore throttle them). Without it the thread
 * shows only "Starting" for as long as the queue takes, which reads as a hung bot.
 */
export function startQueueNote(ahead: number): string {
  const place =
    ahead === 0 ? 'this run is next' : `${ahead} ${ahead === 1 ? 'run' : 'runs'} ahead of this one`;
  return `Waiting for the agent: ${place}.`;
}
