// A loopback TCP proxy in front of a test server that injects faults into the next
// connection: a reset after N bytes either way, a stall (no more bytes, socket left open),
// the loss of one server line (e.g. the OK of an APPEND the server did commit), or latency.
import net from 'node:net';

export type Fault =
  | { kind: 'reset-server-bytes'; bytes: number }
  | { kind: 'reset-client-bytes'; bytes: number }
  | { kind: 'stall-server-bytes'; bytes: number }
  | { kind: 'drop-server-line'; pattern: RegExp };

export interface FaultProxy {
  port: number;
  /** Connections opened through the proxy so far. */
  connections: number;
  /** The most connections that were open through the proxy at one time. */
  peakOpen: number;
  /** Faults that fired so far. */
  fired: number;
  /** Arms a fault for the next connection that reaches it (once). */
  arm(fault: Fault): void;
  /**
   * The commands the server received through the proxy, in order: "SELECT INBOX", "UID FETCH
   * 1:* (...)" (the tag dropped; LOGIN and AUTHENTICATE without their arguments). Lines of a
   * literal are not commands and are not listed.
   */
  readonly commands: string[];
  /** Delay every chunk by this many milliseconds each way. */
  latencyMs: number;
  /** Reset the next connection once this many bytes went server→client. */
  cutAfterServerBytes(bytes: number): void;
  /** Reset the next connection once this many bytes went client→server. */
  cutAfterClientBytes(bytes: number): void;
  resetAll(): void;
  close(): Promise<void>;
}

export async function startFaultProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
  const sockets = new Set<net.Socket>();
  let armed: Fault | undefined;
  const state = { connections: 0, fired: 0, latencyMs: 0, open: 0, peakOpen: 0 };
  const commands: string[] = [];

  const server = net.createServer((client) => {
    state.connections += 1;
    state.open += 1;
    state.peakOpen = Math.max(state.peakOpen, state.open);
    let closed = false;
    const upstream = net.connect(targetPort, targetHost);
    sockets.add(client);
    sockets.add(upstream);
    let down = 0;
    let up = 0;
    let stalled = false;
    let pendingLine = '';
    /** The client's text not yet split into lines, and the bytes of a literal still to come. */
    let clientText = '';
    let literalLeft = 0;
    const noteCommands = (chunk: Buffer) => {
      let text = clientText + chunk.toString('latin1');
      for (;;) {
        if (literalLeft > 0) {
          const skipped = Math.min(literalLeft, text.length);
          literalLeft -= skipped;
          text = text.slice(skipped);
          if (literalLeft > 0) break;
        }
        const end = text.indexOf('\r\n');
        if (end < 0) break;
        const line = text.slice(0, end);
        text = text.slice(end + 2);
        const command = /^[A-Za-z0-9.]+ ((?:UID )?[A-Z]+)(.*)$/.exec(line);
        if (command) commands.push(/^(LOGIN|AUTHENTICATE)$/.test(command[1]) ? command[1] : command[1] + command[2]);
        const literal = /\{(\d+)\+?\}$/.exec(line);
        if (literal) literalLeft = Number(literal[1]);
      }
      clientText = text.slice(-100_000);
    };
    const cut = () => {
      client.resetAndDestroy();
      upstream.destroy();
    };
    const fire = () => {
      armed = undefined;
      state.fired += 1;
    };
    const send = (socket: net.Socket, chunk: Buffer, then?: () => void) => {
      const write = () => socket.write(chunk, then);
      if (state.latencyMs > 0) setTimeout(write, state.latencyMs);
      else write();
    };

    upstream.on('data', (chunk: Buffer) => {
      if (stalled) return;
      const fault = armed;
      if (
        fault &&
        (fault.kind === 'reset-server-bytes' || fault.kind === 'stall-server-bytes') &&
        down + chunk.length >= fault.bytes
      ) {
        fire();
        const keep = chunk.subarray(0, Math.max(0, fault.bytes - down));
        down += keep.length;
        if (fault.kind === 'stall-server-bytes') {
          stalled = true;
          send(client, keep);
        } else {
          send(client, keep, cut);
        }
        return;
      }
      if (fault?.kind === 'drop-server-line') {
        const text = pendingLine + chunk.toString('latin1');
        const match = fault.pattern.exec(text);
        if (match) {
          fire();
          // Everything before the line reaches the client; the line and the rest are lost.
          const lineStart = text.lastIndexOf('\n', match.index) + 1 - pendingLine.length;
          send(client, chunk.subarray(0, Math.max(0, lineStart)), cut);
          return;
        }
        pendingLine = text.slice(text.lastIndexOf('\n') + 1).slice(-200);
      }
      down += chunk.length;
      send(client, chunk);
    });
    client.on('data', (chunk: Buffer) => {
      if (stalled) return;
      const fault = armed;
      if (fault?.kind === 'reset-client-bytes' && up + chunk.length >= fault.bytes) {
        fire();
        send(upstream, chunk.subarray(0, Math.max(0, fault.bytes - up)), cut);
        return;
      }
      up += chunk.length;
      noteCommands(chunk);
      send(upstream, chunk);
    });
    const end = () => {
      if (!closed) {
        closed = true;
        state.open -= 1;
      }
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
    commands,
    get connections() {
      return state.connections;
    },
    get fired() {
      return state.fired;
    },
    get peakOpen() {
      return state.peakOpen;
    },
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(value: number) {
      state.latencyMs = value;
    },
    arm(fault) {
      armed = fault;
    },
    cutAfterServerBytes(bytes) {
      armed = { kind: 'reset-server-bytes', bytes };
    },
    cutAfterClientBytes(bytes) {
      armed = { kind: 'reset-client-bytes', bytes };
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
