// `recommender train` on the Online Retail table as production runs it (built JavaScript, its own
// process): wall time and peak memory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataDir, peakRssMb, round, say, spawnBuilt } from './support.ts';

export async function trainBench() {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-train-'));
  const file = path.join(dataDir, 'interactions', 'online-retail-train.csv.gz');
  const catalog = path.join(dataDir, 'catalogs', 'online-retail.ndjson');
  say(`training on ${file}`);
  const started = Date.now();
  const child = spawnBuilt(
    'recommender/cli.ts',
    ['train', '--interactions', file, '--catalog', catalog, '--out', out],
    {},
  );
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, peakRssMb(child.pid!))), 200);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`recommender train exited with ${code}`);
  const seconds = (Date.now() - started) / 1000;
  const metadata = JSON.parse(fs.readFileSync(path.join(out, 'metadata.json'), 'utf8')) as {
    counts: Record<string, number>;
    seconds: { item2vec: number };
    backend: string;
  };
  fs.rmSync(out, { recursive: true, force: true });
  return {
    bench: 'train',
    seconds: round(seconds),
    item2vec_seconds: round(metadata.seconds.item2vec),
    peak_rss_mb: round(peak, 0),
    backend: metadata.backend,
    ...metadata.counts,
  };
}
