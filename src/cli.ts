import { readerGone } from "./cli/reader-gone";

// A reader that went away (`tend ps | head`, or a terminal that was closed: EIO) is not an
// error, whatever the command; exiting is safe only here, as process.exit() can cut off output
// still on its way to a reader that stayed.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE" || error.code === "EIO") return readerGone();
    throw error;
  });
}

const argv = process.argv.slice(2);
// The supervisor process skips the command table: it lives long, so it loads little.
process.exitCode =
  argv[0] === "__supervise"
    ? await import("./cli/supervise").then((m) => m.supervise(argv.slice(1)))
    : await import("./cli/main").then((m) => m.main(argv));
