// Starts one of the project's TypeScript entry points as a child process. It runs node itself with
// the tsx loader (not the tsx wrapper, which forks a second process), so a signal sent to the child
// reaches the program: SIGKILL in a test kills the indexer, not just a launcher.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from './config.ts';

export function spawnScript(script: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, script), ...args], {
    cwd: projectRoot,
    ...opts,
  });
}
