// What the stack needs to know about each server it can run.
import path from 'node:path';
import type { Config } from '../common/config.ts';
import type { ToolName } from './prerequisites.ts';
import type { ProcessSpec } from './processes.ts';

export interface PortClaim {
  port: number;
  setting: string;
}

export interface StackService {
  name: string;
  /** Configured to use an external server: the stack leaves it alone. */
  external: boolean;
  tools: ToolName[];
  /** One process per node. */
  processes: ProcessSpec[];
  ports: PortClaim[];
  /** Jars, config files, first-time formatting; idempotent. */
  prepare(say: (line: string) => void): void;
  /** Work that needs the server running (users, for one), after its first healthy check; idempotent. */
  afterStart?(say: (line: string) => void): void;
  /** Resolves once the server answers a real health check; rejects with the reason otherwise. */
  checkHealth(): Promise<string>;
}

export const stackPaths = (c: Config) => ({
  logs: path.join(c.stackDir, 'logs'),
  run: path.join(c.stackDir, 'run'),
  data: path.join(c.stackDir, 'data'),
  conf: path.join(c.stackDir, 'conf'),
});

export function processFiles(c: Config, name: string): Pick<ProcessSpec, 'logFile' | 'pidFile'> {
  const p = stackPaths(c);
  return { logFile: path.join(p.logs, `${name}.log`), pidFile: path.join(p.run, `${name}.pid`) };
}
