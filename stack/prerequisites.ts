// What the embedded stack needs beyond Node: a JDK (the engine launchers run in source-file mode,
// which needs the compiler module), Maven for the jars, redis-server and openssl. Missing tools are
// installed from Debian when running as root; otherwise the error says what to install.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

export class PrerequisiteError extends Error {
  override name = 'PrerequisiteError';
}

interface Tool {
  command: string;
  versionArgs: string[];
  debianPackage: string;
  check?: (output: string) => string | undefined; // returns a problem, if any
}

const javaMajor = (out: string): number => {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(out);
  if (!m) return 0;
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
};

export const tools = {
  java: {
    command: 'java',
    versionArgs: ['-version'],
    debianPackage: 'openjdk-17-jdk-headless',
    check: (out) => (javaMajor(out) >= 11 ? undefined : `Java 11 or newer is needed, found: ${out.split('\n')[0]}`),
  },
  javac: { command: 'javac', versionArgs: ['-version'], debianPackage: 'openjdk-17-jdk-headless' },
  mvn: { command: 'mvn', versionArgs: ['-v'], debianPackage: 'maven' },
  redis: { command: 'redis-server', versionArgs: ['--version'], debianPackage: 'redis-server' },
  // The secured listeners' self-signed CA and certificate.
  openssl: { command: 'openssl', versionArgs: ['version'], debianPackage: 'openssl' },
  // Only for the browser tests of the web pages.
  chromium: { command: 'chromium', versionArgs: ['--version'], debianPackage: 'chromium' },
} satisfies Record<string, Tool>;

export type ToolName = keyof typeof tools;

function probe(tool: Tool): string | undefined {
  const r = spawnSync(tool.command, tool.versionArgs, { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `${tool.command} not found`;
  return tool.check?.(`${r.stdout}${r.stderr}`);
}

const isRoot = (): boolean => process.getuid?.() === 0;

/** Makes sure the tools exist, installing the missing ones with apt-get when allowed. */
export function ensureTools(names: ToolName[], allowInstall: boolean, say: (line: string) => void): void {
  const missing = [...new Set(names)].filter((n) => probe(tools[n]) !== undefined);
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((n) => tools[n].debianPackage))];
  if (!allowInstall || !isRoot()) {
    const problems = missing.map((n) => `  - ${probe(tools[n])}`).join('\n');
    throw new PrerequisiteError(
      `The embedded stack is missing tools:\n${problems}\nInstall them with: sudo apt-get install -y ${packages.join(' ')}` +
        (allowInstall ? '' : ' (automatic install is off: SHOP_STACK_INSTALL=false)'),
    );
  }
  say(`installing ${packages.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...packages],
  ]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env });
    if (r.status !== 0) throw new PrerequisiteError(`apt-get ${args.join(' ')} failed:\n${r.stderr}`);
  }
  const still = missing.filter((n) => probe(tools[n]) !== undefined);
  if (still.length > 0)
    throw new PrerequisiteError(`still missing after install: ${still.map((n) => tools[n].command).join(', ')}`);
}

/** Throws when `port` on 127.0.0.1 is already taken by a process the stack does not own. */
export async function ensurePortFree(port: number, what: string, setting: string): Promise<void> {
  const inUse = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
  if (inUse)
    throw new PrerequisiteError(
      `port ${port} for ${what} is in use by another process; stop it or set ${setting} to a free port`,
    );
}

export function ensureDiskSpace(dir: string, minFreeMb: number): void {
  fs.mkdirSync(dir, { recursive: true });
  const s = fs.statfsSync(dir);
  const freeMb = Math.floor((s.bavail * s.bsize) / 2 ** 20);
  if (freeMb < minFreeMb)
    throw new PrerequisiteError(`only ${freeMb} MB free under ${dir}; the stack needs at least ${minFreeMb} MB`);
}
