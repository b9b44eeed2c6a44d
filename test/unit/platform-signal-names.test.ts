import { expect, test } from "bun:test";
import os from "node:os";
import { signalName, signalNumber } from "../../src/platform/process-group";

test("signal names map to this platform's numbers, with or without SIG, any case", () => {
  expect(signalNumber("SIGTERM")).toBe(os.constants.signals.SIGTERM);
  expect(signalNumber("term")).toBe(os.constants.signals.SIGTERM);
  expect(signalNumber("Kill")).toBe(9);
  expect(signalNumber("9")).toBe(9);
});

test("unknown signals are undefined, not a guess", () => {
  expect(signalNumber("SIGNOPE")).toBeUndefined();
  expect(signalNumber("")).toBeUndefined();
  expect(signalNumber("999")).toBeUndefined();
  expect(signalName(999)).toBeUndefined();
});

test("numbers map back to the usual name, not an alias", () => {
  expect(signalName(15)).toBe("SIGTERM");
  expect(signalName(os.constants.signals.SIGABRT)).toBe("SIGABRT");
  expect(signalName(os.constants.signals.SIGIO)).toBe("SIGIO");
});
