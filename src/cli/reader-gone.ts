/**
 * What to do when the reader of our output goes away (`tend ps | head`): by default exit
 * quietly, as that is not an error. A command that must wind something down first (a
 * foreground supervisor stopping its processes) says so here.
 */
let handler: () => void = () => process.exit(0);

export function onReaderGone(fn: () => void): void {
  handler = fn;
}

export function readerGone(): void {
  handler();
}
