// A real npm registry (verdaccio) for the npm package's test, run with node as users run it:
//
//   node test/helpers/local-registry.mjs FOLDER
//
// It keeps everything in FOLDER, proxies nothing (a package not published to it does not
// exist), listens on 127.0.0.1 at a port the system picks, prints {"port": N} once it listens,
// and exits on SIGTERM.
import path from "node:path";
import { runServer } from "verdaccio";

const folder = process.argv[2];
if (!folder) throw new Error("usage: node local-registry.mjs FOLDER");
const server = await runServer({
  self_path: folder,
  storage: path.join(folder, "storage"),
  auth: { htpasswd: { file: path.join(folder, "htpasswd"), max_users: 10 } },
  uplinks: {},
  packages: { "**": { access: "$all", publish: "$authenticated" } },
  // The packages hold ~100 MB executables.
  max_body_size: "500mb",
  web: { enable: false },
  log: { type: "stdout", format: "json", level: "warn" },
});
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
process.on("SIGTERM", () => {
  server.closeAllConnections?.();
  server.close(() => process.exit(0));
});
