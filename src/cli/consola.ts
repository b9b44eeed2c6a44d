import { consola } from "consola";

/**
 * The one consola of the command line. Its lines carry the time of day only when the stream
 * they go to is a terminal (consola puts it on the right, or in brackets on a narrow one), yet
 * it formats that time for every line; the first toLocaleTimeString of a process loads the
 * locale's data, about 5 ms of the first line of every command. So the time is asked for only
 * where it shows — decided at each line, as `--json` moves the lines to stderr.
 */
Object.defineProperty(consola.options.formatOptions, "date", {
  enumerable: true,
  get: () => Boolean((consola.options.stdout as NodeJS.WriteStream | undefined)?.columns),
});

export { consola };
