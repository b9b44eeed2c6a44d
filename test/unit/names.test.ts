import { describe, expect, test } from "bun:test";
import { NAME_PATTERN, nameFromCommand, nameProblem } from "../../src/core/names";

const none = new Set<string>();

describe("nameProblem", () => {
  test("accepts valid names", () => {
    for (const ok of ["api", "a", "0", "web.1", "my_worker-2", "A".repeat(63)]) {
      expect(nameProblem(ok)).toBeNull();
      expect(NAME_PATTERN.test(ok)).toBe(true);
    }
  });

  test("says why a name is invalid", () => {
    expect(nameProblem("")).toBe("name is empty");
    expect(nameProblem("a".repeat(64))).toBe("name is longer than 63 characters");
    expect(nameProblem("-api")).toBe('name must start with a letter, a digit or "_"');
    // foreman takes Procfile names such as _helper
    expect(nameProblem("_api")).toBeNull();
    expect(nameProblem("my api")).toBe('name may only contain letters, digits, ".", "_" and "-"');
    expect(nameProblem("a/b")).toBe('name may only contain letters, digits, ".", "_" and "-"');
    expect(nameProblem("näme")).toBe('name may only contain letters, digits, ".", "_" and "-"');
  });

  test("rejects . and .., which would be path tricks in the state folder", () => {
    expect(nameProblem(".")).not.toBeNull();
    expect(nameProblem("..")).not.toBeNull();
  });
});

describe("nameFromCommand", () => {
  test("uses the program's base name without path or script extension", () => {
    expect(nameFromCommand(["/usr/bin/redis-server"], none)).toBe("redis-server");
    expect(nameFromCommand(["./scripts/serve.sh", "--port", "3000"], none)).toBe("serve");
    expect(nameFromCommand(["C:\\tools\\worker.exe"], none)).toBe("worker");
  });

  test("looks past interpreters and launchers", () => {
    expect(nameFromCommand(["node", "--inspect", "server.js"], none)).toBe("server");
    expect(nameFromCommand(["python3", "-u", "app/main.py"], none)).toBe("main");
    expect(nameFromCommand(["python3", "-m", "http.server"], none)).toBe("http.server");
    expect(nameFromCommand(["bash", "./run-tests.sh"], none)).toBe("run-tests");
    expect(nameFromCommand(["env", "PORT=3000", "node", "api.ts"], none)).toBe("api");
    expect(nameFromCommand(["sudo", "-E", "bun", "worker.ts"], none)).toBe("worker");
    expect(nameFromCommand(["npx", "vite"], none)).toBe("vite");
  });

  test("takes the script name of npm, bun, yarn and pnpm", () => {
    expect(nameFromCommand(["npm", "run", "dev"], none)).toBe("dev");
    expect(nameFromCommand(["npm", "start"], none)).toBe("start");
    expect(nameFromCommand(["bun", "run", "build"], none)).toBe("build");
    expect(nameFromCommand(["yarn", "serve"], none)).toBe("serve");
    expect(nameFromCommand(["pnpm", "run", "--silent", "lint"], none)).toBe("lint");
  });

  test("looks into shell command strings", () => {
    expect(nameFromCommand(["sh", "-c", "npm start"], none)).toBe("start");
    expect(nameFromCommand(["bash", "-lc", "python3 worker.py --fast"], none)).toBe("worker");
    expect(nameFromCommand(["npm run dev"], none)).toBe("dev");
  });

  test("a bare interpreter is named after itself", () => {
    expect(nameFromCommand(["python3"], none)).toBe("python3");
    expect(nameFromCommand(["bash", "-i"], none)).toBe("bash");
  });

  test("sanitises to the allowed alphabet", () => {
    expect(nameFromCommand(["My Server!"], none)).toBe("my");
    expect(nameFromCommand(["./My@Server"], none)).toBe("my-server");
    expect(nameFromCommand(["__init__.py"], none)).toBe("init");
    expect(nameFromCommand(["x".repeat(100)], none)).toBe("x".repeat(40));
    expect(nameFromCommand(["@@@"], none)).toBe("proc");
    expect(nameFromCommand([], none)).toBe("proc");
    expect(nameFromCommand(["ünï"], none)).toBe("n");
  });

  test("appends -2, -3, … until the name is free", () => {
    expect(nameFromCommand(["node", "api.js"], new Set(["api"]))).toBe("api-2");
    expect(nameFromCommand(["node", "api.js"], new Set(["api", "api-2", "api-3"]))).toBe("api-4");
    expect(nameFromCommand(["node", "api.js"], new Set(["api-2"]))).toBe("api");
  });

  test("always yields a valid name", () => {
    const samples = [["  "], ["/"], ["..."], ["-"], ["sh", "-c", ""], ["a".repeat(200)], ["日本語"], ["node", "../x.js"]];
    for (const argv of samples) {
      const name = nameFromCommand(argv, new Set([nameFromCommand(argv, none)]));
      expect(nameProblem(name)).toBeNull();
    }
  });
});
