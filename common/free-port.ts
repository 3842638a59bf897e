import net from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (for child processes in tests and benchmarks). */
export function freePort(): Promise<number> {
  return listenOn(0);
}

/**
 * The first of `count` consecutive ports that were all free a moment ago. Drawn below the kernel's
 * ephemeral range (32768+), so outgoing connections opened meanwhile cannot take one of them.
 */
export async function freePortBlock(count: number, attempts = 50): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const base = 20000 + Math.floor(Math.random() * (12000 - count));
    const ports = Array.from({ length: count }, (_, k) => base + k);
    const free = await Promise.all(
      ports.map((p) =>
        listenOn(p).then(
          () => true,
          () => false,
        ),
      ),
    );
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no block of ${count} free ports found in ${attempts} attempts`);
}

function listenOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => {
      const { port: bound } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(bound));
    });
  });
}
