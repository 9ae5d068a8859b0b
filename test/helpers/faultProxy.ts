// A loopback TCP proxy in front of a test server that can cut connections after a number of
// bytes, to test reconnects against a real server without touching it.
import net from 'node:net';

export interface FaultProxy {
  port: number;
  /** Connections opened through the proxy so far. */
  connections: number;
  /** Reset the next connection(s) once this many bytes went server→client (once per call). */
  cutAfterServerBytes(bytes: number): void;
  /** Reset the next connection once this many bytes went client→server. */
  cutAfterClientBytes(bytes: number): void;
  /** Reset every open connection now. */
  resetAll(): void;
  close(): Promise<void>;
}

export async function startFaultProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
  const sockets = new Set<net.Socket>();
  let serverCut: number | undefined;
  let clientCut: number | undefined;
  const state = { connections: 0 };
  const server = net.createServer((client) => {
    state.connections += 1;
    const upstream = net.connect(targetPort, targetHost);
    sockets.add(client);
    sockets.add(upstream);
    let down = 0;
    let up = 0;
    const cut = () => {
      client.resetAndDestroy();
      upstream.destroy();
    };
    upstream.on('data', (chunk: Buffer) => {
      if (serverCut !== undefined && down + chunk.length >= serverCut) {
        const keep = Math.max(0, serverCut - down);
        serverCut = undefined;
        client.write(chunk.subarray(0, keep), () => cut());
        return;
      }
      down += chunk.length;
      client.write(chunk);
    });
    client.on('data', (chunk: Buffer) => {
      if (clientCut !== undefined && up + chunk.length >= clientCut) {
        const keep = Math.max(0, clientCut - up);
        clientCut = undefined;
        upstream.write(chunk.subarray(0, keep), () => cut());
        return;
      }
      up += chunk.length;
      upstream.write(chunk);
    });
    const end = () => {
      sockets.delete(client);
      sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    get connections() {
      return state.connections;
    },
    cutAfterServerBytes(bytes) {
      serverCut = bytes;
    },
    cutAfterClientBytes(bytes) {
      clientCut = bytes;
    },
    resetAll() {
      for (const socket of sockets) socket.destroy();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
