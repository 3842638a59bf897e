// A trained model on disk: metadata.json (data window, options, counts, loss, timings),
// embeddings.f32 + items.json (the item vectors, row i for item i), lists.json.gz (every list).
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ExplainedScored } from './models/next-basket.ts';
import type { Scored } from './models/ranked-list.ts';
import type { ModelMetadata, TrainedModel } from './train.ts';

interface ListsFile {
  similar: [string, Scored[]][];
  together: [string, Scored[]][];
  forUser: [string, ExplainedScored[]][];
  recent: [string, string[]][];
  popular: Scored[];
  trending: Scored[];
  trendingByCategory: [string, Scored[]][];
}

export function saveModel(dir: string, m: TrainedModel): void {
  fs.mkdirSync(dir, { recursive: true });
  const lists: ListsFile = {
    similar: [...m.similar],
    together: [...m.together],
    forUser: [...m.forUser],
    recent: [...m.recent],
    popular: m.popular,
    trending: m.trending,
    trendingByCategory: [...m.trendingByCategory],
  };
  fs.writeFileSync(path.join(dir, 'lists.json.gz'), gzipSync(JSON.stringify(lists)));
  fs.writeFileSync(
    path.join(dir, 'items.json'),
    JSON.stringify({ dimensions: m.embeddings.dimensions, items: m.embeddings.items }),
  );
  fs.writeFileSync(
    path.join(dir, 'embeddings.f32'),
    Buffer.from(m.embeddings.vectors.buffer, m.embeddings.vectors.byteOffset, m.embeddings.vectors.byteLength),
  );
  // Written last: a folder with metadata.json is a complete model.
  fs.writeFileSync(path.join(dir, 'metadata.json'), JSON.stringify(m.metadata, null, 2));
}

export function loadModel(dir: string): TrainedModel {
  if (!fs.existsSync(path.join(dir, 'metadata.json')))
    throw new Error(`${dir} holds no complete model (metadata.json is missing)`);
  const metadata = JSON.parse(fs.readFileSync(path.join(dir, 'metadata.json'), 'utf8')) as ModelMetadata;
  const lists = JSON.parse(gunzipSync(fs.readFileSync(path.join(dir, 'lists.json.gz'))).toString('utf8')) as ListsFile;
  const { dimensions, items } = JSON.parse(fs.readFileSync(path.join(dir, 'items.json'), 'utf8')) as {
    dimensions: number;
    items: string[];
  };
  const raw = fs.readFileSync(path.join(dir, 'embeddings.f32'));
  const vectors = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  return {
    metadata,
    embeddings: { items, index: new Map(items.map((item, i) => [item, i])), dimensions, vectors },
    similar: new Map(lists.similar),
    together: new Map(lists.together),
    forUser: new Map(lists.forUser),
    recent: new Map(lists.recent),
    popular: lists.popular,
    trending: lists.trending,
    trendingByCategory: new Map(lists.trendingByCategory),
  };
}

/** The newest complete model under a folder of models. */
export function latestModelDir(root: string): string {
  const dirs = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((d) => fs.existsSync(path.join(root, d, 'metadata.json')))
        .sort()
    : [];
  if (dirs.length === 0) throw new Error(`no trained model under ${root}: run \`npm run recommender -- train\` first`);
  return path.join(root, dirs.at(-1)!);
}
