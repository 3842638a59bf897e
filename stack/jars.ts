// Fetches a server's jars from Maven Central once, with the pom in stack/maven/<name>, into
// <stackDir>/lib/<name>. A hash of the pom marks a complete copy, so a changed pom refetches.
// A pom whose dependency is a plugin zip is unpacked instead (`unpack`): jars and config files.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../common/config.ts';

export class JarFetchError extends Error {
  override name = 'JarFetchError';
}

export function ensureJars(name: string, stackDir: string, say: (line: string) => void, unpack = false): string {
  const pom = path.join(projectRoot, 'stack', 'maven', name, 'pom.xml');
  const libDir = path.join(stackDir, 'lib', name);
  const marker = path.join(libDir, '.complete');
  const hash = createHash('sha256').update(fs.readFileSync(pom)).digest('hex');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === hash) return libDir;

  say(`fetching ${name} jars from Maven Central (once)`);
  fs.rmSync(libDir, { recursive: true, force: true });
  const goal = unpack ? 'dependency:unpack-dependencies' : 'dependency:copy-dependencies';
  // Unpacking leaves markers of what it did; kept with the jars, so a removed lib folder is unpacked again.
  const markers = unpack ? [`-DmarkersDirectory=${path.join(libDir, '.markers')}`] : [];
  const r = spawnSync('mvn', ['-q', '-B', '-f', pom, goal, `-DoutputDirectory=${libDir}`, ...markers], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status !== 0) throw new JarFetchError(`mvn ${goal} for ${name} failed:\n${r.stdout}${r.stderr}`);
  fs.writeFileSync(marker, hash);
  return libDir;
}
