import { readerGone } from "./cli/reader-gone";

const argv = process.argv.slice(2);
if (argv[0] === "__supervise") {
  // The supervisor process skips the command table: it lives long, so it loads little. It writes
  // its log with writeSync, so it does not even create the stdio streams (about 1 ms).
  process.exitCode = await import("./cli/supervise").then((m) => m.supervise(argv.slice(1)));
} else {
  // A reader that went away (`tend ps | head`, or a terminal that was closed: EIO) is not an
  // error, whatever the command; exiting is safe only here, as process.exit() can cut off output
  // still on its way to a reader that stayed.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE" || error.code === "EIO") return readerGone();
      throw error;
    });
  }
  process.exitCode = await import("./cli/main").then((m) => m.main(argv));
}
