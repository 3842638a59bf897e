// A TCP proxy in front of a real server, which a test can cut and restore, or stall and release:
// cut, the client sees real refused connections; stalled, its requests go out and no answer comes
// back until released (a server too busy to answer). The server itself stays up for other tests.
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Closes the listener and every open connection: new connections are refused. */
  cut(): Promise<void>;
  restore(): Promise<void>;
  /** Holds every byte either way, on open and new connections, until released. */
  stall(): void;
  release(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  let held: [net.Socket, Buffer][] | undefined;
  const forward = (from: net.Socket, to: net.Socket) =>
    from.on('data', (chunk: Buffer) => (held ? held.push([to, chunk]) : to.write(chunk)));
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(targetPort, targetHost);
        sockets.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        forward(client, upstream);
        forward(upstream, client);
      });
      server.once('error', reject).listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  const cut = async () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  };
  await listen();
  return {
    port,
    cut,
    restore: listen,
    stall: () => {
      held ??= [];
    },
    release: () => {
      const pending = held ?? [];
      held = undefined;
      for (const [to, chunk] of pending) if (!to.destroyed) to.write(chunk);
    },
    close: cut,
  };
}
