import { defineCommand } from "citty";
import { COMMIT, TARGET, VERSION } from "../../core/version";
import { jsonArg } from "./_shared";

export default defineCommand({
  meta: { name: "version", description: "Print the version" },
  args: { ...jsonArg },
  run({ args }) {
    const info = { version: VERSION, commit: COMMIT, bun: Bun.version, platform: process.platform, arch: process.arch, target: TARGET };
    process.stdout.write(args.json ? `${JSON.stringify(info, null, 2)}\n` : `${VERSION} (${COMMIT})\n`);
    return 0;
  },
});
