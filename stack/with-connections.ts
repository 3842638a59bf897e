// For command-line tools: the embedded stack up (when configured), connections open for `work`, then closed.
import { type Connections, openConnections } from '../common/connections.ts';
import type { Config } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';
import { stackUp } from './stack.ts';

export async function withConnections<T>(
  config: Config,
  clientId: string,
  say: (line: string) => void,
  work: (conn: Connections) => Promise<T>,
): Promise<T> {
  await stackUp(config, say);
  const conn = await openConnections(config, createLogger('warn', clientId, 2), clientId);
  try {
    return await work(conn);
  } finally {
    await conn.close();
  }
}
