/**
 * The status note of a run whose start waits its turn at the harness's admission rate (the harness
 * adapter paces a burst of runs instead of letting AgentCore throttle them). Without it the thread
 * shows only "Starting" for as long as the queue takes, which reads as a hung bot.
 *
 * A long queue is told in steps ("more than 40 runs ahead"): the note then changes every few seconds
 * instead of at every start the harness admits, and each change of a run's note costs a Slack edit
 * that the runs share with every answer being streamed.
 */
export function startQueueNote(ahead: number): string {
  return `Waiting for the agent: ${place(ahead)}.`;
}

function place(ahead: number): string {
  if (ahead <= 0) return 'this run is next';
  if (ahead === 1) return '1 run ahead of this one';
  if (ahead <= 10) return `${ahead} runs ahead of this one`;
  const step = ahead <= 100 ? 10 : 100;
  return `more than ${Math.floor((ahead - 1) / step) * step} runs ahead of this one`;
}
