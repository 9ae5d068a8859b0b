// Free TCP ports on loopback for test servers.
//
// The kernel picks a free port when a server listens on port 0; we close it again and hand the
// number to the real server. Another process can take the port in between, so callers that
// bind later (Dovecot) must retry with new ports when binding fails.
import net from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** Some free ports, all different. They are held open together while picking, then released. */
export async function getFreePorts(count: number, host: string = LOOPBACK): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port: 0, host, exclusive: true }, () => resolve());
      });
    }
    return servers.map((server) => (server.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

export async function getFreePort(host: string = LOOPBACK): Promise<number> {
  const [port] = await getFreePorts(1, host);
  return port;
}

/** True when nothing listens on the port (a connection is refused). */
export function isPortClosed(port: number, host: string = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** True when the port can be bound right now. */
export function canListen(port: number, host: string = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
