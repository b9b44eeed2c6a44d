import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { noOtherUser, otherUser, type OtherUser } from "../helpers/other-user";
import { waitFor } from "../helpers/home";

/**
 * A session of an unprivileged supervisor that runs something as yet another user (as
 * `sudo -u postgres postgres` does): the supervisor may not signal it. Here the other user's
 * supervisor runs a setuid-root copy of setpriv that becomes `nobody`.
 */
if (noOtherUser) console.warn(`skipping tests of another user's process in the tree: ${noOtherUser}`);

const NOBODY = 65534;

describe.skipIf(noOtherUser !== null)("a process of another user in the tree never wedges a stop", () => {
  let helperDir = "";
  let becomeNobody: string[] = [];
  let user: OtherUser;
  let home = "";
  let env: Record<string, string> = {};

  beforeAll(() => {
    helperDir = mkdtempSync(path.join(os.tmpdir(), "tend-setuid-"));
    chmodSync(helperDir, 0o755);
    const helper = path.join(helperDir, "setpriv-as-root");
    copyFileSync("/usr/bin/setpriv", helper);
    chmodSync(helper, 0o4755);
    becomeNobody = [helper, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "--"];
  });
  afterAll(() => rmSync(helperDir, { recursive: true, force: true }));

  beforeEach(() => {
    user = otherUser();
    home = user.folder();
    env = { PATH: process.env.PATH!, TEND_HOME: home, NO_COLOR: "1" };
  });
  afterEach(async () => {
    await user.tend(["kill", "--all", "--grace", "0"], env);
    await user.tend(["stop"], env);
    // What nobody runs for this home (root may read any environment); then whatever else is left.
    for (const pid of processesOfHome()) process.kill(pid, "SIGKILL");
    await waitFor("nothing of the test's home left", () => processesOfHome().length === 0);
    rmSync(home, { recursive: true, force: true });
  });

  function processesOfHome(): number[] {
    const found: number[] = [];
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/environ`).includes(`TEND_HOME=${home}\0`)) found.push(Number(entry));
      } catch {}
    }
    return found;
  }

  const nobodys = () => processesOfHome().filter((pid) => statSync(`/proc/${pid}`).uid === NOBODY);

  test("kill of a session whose process became another user's ends, and says which pid could not be signalled", async () => {
    expect((await user.tend(["bg", "--name", "pg", "--", ...becomeNobody, "sleep", "600"], env)).code).toBe(0);
    await waitFor("the session running as nobody", () => nobodys().length === 1);
    const [theirs] = nobodys();

    const kill = await user.tend(["kill", "pg", "--grace", "1s"], env, 15_000);
    expect(kill.code).toBe(0);
    expect(kill.stderr + kill.stdout).toContain(`pg: pid ${theirs} (uid ${NOBODY}) could not be signalled: it belongs to another user (EPERM) and is still running`);
    const ps = JSON.parse((await user.tend(["ps", "--json"], env)).stdout);
    expect(ps.processes).toEqual([]);
  }, 40_000);

  test("stop with another user's grandchild left finishes, and the record is settled and says why", async () => {
    const script = `${becomeNobody.join(" ")} sleep 600 & sleep 600`;
    expect((await user.tend(["bg", "--name", "job", "--", "sh", "-c", script], env)).code).toBe(0);
    await waitFor("the grandchild running as nobody", () => nobodys().length === 1);
    const [theirs] = nobodys();

    const stop = await user.tend(["stop"], env, 15_000);
    expect(stop.code).toBe(0);
    const job = JSON.parse((await user.tend(["ps", "--json"], env)).stdout).processes[0];
    expect(job.state).toBe("stopped");
    expect(job.reason).toBe(`pid ${theirs} (uid ${NOBODY}) could not be signalled: it belongs to another user (EPERM) and is still running`);
  }, 40_000);
});
