// Runs one of the project's command-line scripts to its end, as a user would, with extra settings.
import { once } from 'node:events';
import { spawnScript } from '../../common/spawn-script.ts';

export async function runCli(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string; summary: () => unknown }> {
  const child = spawnScript(script, args, {
    env: { ...process.env, SHOP_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  // Every CLI prints a one-line JSON summary last.
  return { code, out, err, summary: () => JSON.parse(out.trim().split('\n').at(-1)!) };
}
