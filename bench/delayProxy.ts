// A loopback TCP proxy that delays every chunk by N ms each way (a WAN link between the tool
// and a server), and counts round trips: each time the client speaks again after the server
// answered, that is one more turn of the conversation.
import net from 'node:net';

export interface DelayProxy {
  port: number;
  /** Client-to-server bursts that followed server data: round trips, about. */
  readonly roundTrips: number;
  reset(): void;
  close(): Promise<void>;
}

export async function startDelayProxy(
  targetPort: number,
  delayMs: number,
  targetHost = '127.0.0.1',
): Promise<DelayProxy> {
  const sockets = new Set<net.Socket>();
  const counters = { roundTrips: 0 };
  const later = (fn: () => void) => (delayMs > 0 ? setTimeout(fn, delayMs) : fn());
  const server = net.createServer((client) => {
    client.setNoDelay(true);
    const upstream = net.connect(targetPort, targetHost);
    upstream.setNoDelay(true);
    sockets.add(client);
    sockets.add(upstream);
    let serverSpoke = true;
    upstream.on('data', (chunk: Buffer) => {
      serverSpoke = true;
      later(() => client.writable && client.write(chunk));
    });
    client.on('data', (chunk: Buffer) => {
      if (serverSpoke) counters.roundTrips += 1;
      serverSpoke = false;
      later(() => upstream.writable && upstream.write(chunk));
    });
    const end = () => {
      later(() => {
        sockets.delete(client);
        sockets.delete(upstream);
        client.destroy();
        upstream.destroy();
      });
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    get roundTrips() {
      return counters.roundTrips;
    },
    reset() {
      counters.roundTrips = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
