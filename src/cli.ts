import { main } from "./cli/main";
import { readerGone } from "./cli/reader-gone";

// A reader that went away (`tend ps | head`) is not an error, whatever the command; exiting is
// safe only here, as process.exit() can cut off output still on its way to a reader that stayed.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") return readerGone();
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
