import { expect, test } from "bun:test";
import { SAME_SIGNAL_MS, stopVerdict } from "../../src/core/stop-signals";

test("the first stop signal of any kind stops gracefully", () => {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) expect(stopVerdict(signal, null, 0)).toBe("stop");
});

test("a second Ctrl-C or SIGTERM kills at once, however soon a person can press it", () => {
  expect(stopVerdict("SIGINT", { signal: "SIGINT", at: 0 }, SAME_SIGNAL_MS)).toBe("kill");
  expect(stopVerdict("SIGINT", { signal: "SIGINT", at: 0 }, 300)).toBe("kill");
  expect(stopVerdict("SIGTERM", { signal: "SIGINT", at: 0 }, 1)).toBe("kill");
  expect(stopVerdict("SIGINT", { signal: "SIGHUP", at: 0 }, 5000)).toBe("kill");
});

test("the same signal delivered twice within a moment is one signal", () => {
  expect(stopVerdict("SIGINT", { signal: "SIGINT", at: 1000 }, 1000 + SAME_SIGNAL_MS - 1)).toBe("ignore");
  expect(stopVerdict("SIGTERM", { signal: "SIGTERM", at: 1000 }, 1001)).toBe("ignore");
});

test("a hang-up never escalates", () => {
  expect(stopVerdict("SIGHUP", { signal: "SIGHUP", at: 0 }, 5000)).toBe("ignore");
  expect(stopVerdict("SIGHUP", { signal: "SIGINT", at: 0 }, 5000)).toBe("ignore");
});
