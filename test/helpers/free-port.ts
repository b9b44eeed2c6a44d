import net from "node:net";

/** A TCP port on 127.0.0.1 that was free a moment ago: the system's pick, never a fixed number. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}
