/** The signals that stop a supervisor: Ctrl-C, a polite kill, and a closed terminal. */
export type StopSignal = "SIGINT" | "SIGTERM" | "SIGHUP";

/**
 * One signal can arrive twice within a moment: `timeout` sends it to the process and then to
 * its group, and `npm start` forwards the Ctrl-C its terminal already sent to the whole group.
 * No person presses Ctrl-C twice this fast.
 */
export const SAME_SIGNAL_MS = 100;

/**
 * What a stop signal asks of a supervisor, given the one before it (if any): the first stops
 * every process gracefully; any later Ctrl-C or SIGTERM kills what is left at once. A hang-up
 * never escalates: the shell of a closed terminal passes one on to its jobs after the kernel
 * sent its own, and neither means impatience.
 */
export function stopVerdict(
  signal: StopSignal,
  previous: { signal: StopSignal; at: number } | null,
  now: number,
): "stop" | "kill" | "ignore" {
  if (!previous) return "stop";
  if (signal === "SIGHUP") return "ignore";
  if (signal === previous.signal && now - previous.at < SAME_SIGNAL_MS) return "ignore";
  return "kill";
}
