// Background processes owned by the stack, tracked by pid files. A pid file records a marker
// that must appear in the process's command line, so a recycled pid is never signalled.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  logFile: string;
  pidFile: string;
  /** A string unique to this process's command line, checked before any signal. */
  marker: string;
}

interface PidRecord {
  pid: number;
  marker: string;
  startedAt: string;
}

function readPidRecord(pidFile: string): PidRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(pidFile, 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

function commandLine(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

/** The pid of the live process this pid file describes, or undefined. */
export function runningPid(pidFile: string): number | undefined {
  const rec = readPidRecord(pidFile);
  if (!rec) return undefined;
  const cmd = commandLine(rec.pid);
  if (cmd === undefined || !cmd.includes(rec.marker)) return undefined;
  // A zombie or stopped-for-good process still has a cmdline; only count ones not in state Z.
  const stat = fs.readFileSync(`/proc/${rec.pid}/stat`, 'utf8');
  return /\) Z /.test(stat) ? undefined : rec.pid;
}

export function startDetached(spec: ProcessSpec): number {
  fs.mkdirSync(path.dirname(spec.logFile), { recursive: true });
  fs.mkdirSync(path.dirname(spec.pidFile), { recursive: true });
  const out = fs.openSync(spec.logFile, 'a');
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    detached: true, // its own process group: survives the CLI and gets no terminal signals
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${spec.name}: ${spec.command} did not spawn`);
  child.unref();
  const rec: PidRecord = { pid: child.pid, marker: spec.marker, startedAt: new Date().toISOString() };
  fs.writeFileSync(spec.pidFile, JSON.stringify(rec));
  return child.pid;
}

/** Stops the process of a pid file: SIGTERM, then SIGKILL after `graceMs`. Returns whether one was running. */
export async function stopByPidFile(pidFile: string, graceMs = 20000): Promise<boolean> {
  const pid = runningPid(pidFile);
  if (pid === undefined) {
    fs.rmSync(pidFile, { force: true });
    return false;
  }
  process.kill(pid, 'SIGCONT'); // a paused process cannot act on SIGTERM
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (runningPid(pidFile) !== undefined && Date.now() < deadline) await sleep(100);
  if (runningPid(pidFile) !== undefined) {
    process.kill(pid, 'SIGKILL');
    while (runningPid(pidFile) !== undefined) await sleep(50);
  }
  fs.rmSync(pidFile, { force: true });
  return true;
}

/** Sends a signal (e.g. SIGSTOP/SIGCONT for slow-server tests) to a tracked process. */
export function signalByPidFile(pidFile: string, signal: NodeJS.Signals): boolean {
  const pid = runningPid(pidFile);
  if (pid === undefined) return false;
  process.kill(pid, signal);
  return true;
}

export function tailFile(file: string, lines = 30): string {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  } catch {
    return '(no log yet)';
  }
}
