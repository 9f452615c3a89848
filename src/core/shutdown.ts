/**
 * How long shutdown takes, end to end. After SIGTERM the bot gives running work one grace period
 * (SHUTDOWN_GRACE_SECONDS, shared by approval actions and runs: one deadline, not one each), then
 * interrupts the runs that are still going and gives them this long to say so in their threads and
 * record it. The container's stop timeout must cover both, or the interruption notes are cut off by
 * SIGKILL and users see an answer that simply stops.
 */
export const INTERRUPT_WINDOW_MS = 15_000;

/** What is left after the process exits the interrupt window: closing the store and the HTTP servers. */
export const EXIT_MARGIN_MS = 5_000;
