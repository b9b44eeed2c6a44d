import { closeSync, writeSync } from "node:fs";

/**
 * How a detached supervisor tells the command that launched it that it answers on its socket:
 * one line on a socket pair the launcher handed it as an extra file descriptor. The launcher
 * learns it the moment it happens instead of polling for it, and an end of file without the
 * line means the supervisor ended during start-up (the kernel closes its end, however it died).
 */
const READY = "ready\n";

export type StartSignal = "ready" | "ended" | "silent";

/** The supervisor's side, once it listens: says so and lets go of the descriptor. */
export function signalStarted(fd: number): void {
  try {
    writeSync(fd, READY);
  } catch {
    // The launcher is gone (killed while it waited): nobody is left to tell.
  }
  try {
    closeSync(fd);
  } catch {
    // Not open: there was nothing to let go of.
  }
}

/**
 * The launcher's side: "ready" once the supervisor said so, "ended" if its end closed first,
 * "silent" if neither happened within `timeoutMs`. Closes the descriptor, which it owns.
 */
export async function awaitStartSignal(fd: number, timeoutMs: number): Promise<StartSignal> {
  const reader = Bun.file(fd).stream().getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const silent = new Promise<StartSignal>((resolve) => {
    timer = setTimeout(() => resolve("silent"), timeoutMs);
  });
  const heard = (async (): Promise<StartSignal> => {
    let text = "";
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return "ended";
      text += decoder.decode(value, { stream: true });
      if (text.length >= READY.length) return text.startsWith(READY) ? "ready" : "ended";
    }
  })();
  try {
    return await Promise.race([heard, silent]);
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => {});
    closeSync(fd);
  }
}
