// A tiny HTTP server for the demo: logs every request it answers.
import http from "node:http";
const port = Number(process.env.PORT || 8080);
http
  .createServer((req, res) => {
    console.log(`${req.method} ${req.url}`);
    res.end("hello from the demo\n");
  })
  .listen(port, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${port}`));
process.on("SIGTERM", () => {
  console.log("SIGTERM: closing");
  process.exit(0);
});
