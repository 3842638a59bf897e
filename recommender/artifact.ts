// A trained model on disk: metadata.json (data window, options, counts, loss, timings),
// embeddings.f32 + items.json (the item vectors, row i for item i), popular.json (the small
// lists), and per list kind a header (<kind>.json: row keys, entry ids, width) with the table's
// typed arrays (<kind>.bin), so a million items' lists are written and read without a JSON text
// of gigabytes; customers' lists add each entry's packed signals (forUser.signals.bin).
import fs from 'node:fs';
import path from 'node:path';
import { ExplainedTable, idsOnly, ListTable, toExplainedTable, toListTable } from './models/list-table.ts';
import type { Scored } from './models/ranked-list.ts';
import type { ModelMetadata, TrainedModel } from './train.ts';

const TABLES = ['similar', 'together', 'recent'] as const;

interface SmallLists {
  popular: Scored[];
  trending: Scored[];
  trendingByCategory: [string, Scored[]][];
}

function saveTable(dir: string, kind: string, t: ListTable): void {
  fs.writeFileSync(
    path.join(dir, `${kind}.json`),
    JSON.stringify({ width: t.width, rowKeys: t.rowKeys, names: t.names }),
  );
  const fd = fs.openSync(path.join(dir, `${kind}.bin`), 'w');
  try {
    for (const a of [t.ids, t.scores, t.lengths]) fs.writeSync(fd, a);
  } finally {
    fs.closeSync(fd);
  }
}

function loadTable(dir: string, kind: string): ListTable {
  const { width, rowKeys, names } = JSON.parse(fs.readFileSync(path.join(dir, `${kind}.json`), 'utf8')) as {
    width: number;
    rowKeys: string[];
    names: string[];
  };
  const raw = fs.readFileSync(path.join(dir, `${kind}.bin`));
  const cells = rowKeys.length * width;
  const buffer = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
  return new ListTable(rowKeys, names, width, {
    ids: new Int32Array(buffer, 0, cells),
    scores: new Float32Array(buffer, cells * 4, cells),
    lengths: new Uint16Array(buffer, cells * 8, rowKeys.length),
  });
}

function loadExplained(dir: string, kind: string): ExplainedTable {
  const names = JSON.parse(fs.readFileSync(path.join(dir, `${kind}.signals.json`), 'utf8')) as string[];
  const raw = fs.readFileSync(path.join(dir, `${kind}.signals.bin`));
  const packed = new Uint32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  return new ExplainedTable(loadTable(dir, kind), names, packed);
}

export function saveModel(dir: string, m: TrainedModel): void {
  fs.mkdirSync(dir, { recursive: true });
  const recent = new Map<string, Scored[]>();
  for (const [user, items] of m.recent)
    recent.set(
      user,
      items.map((item, i) => [item, items.length - i]),
    );
  const tables = { similar: m.similar, together: m.together, recent };
  for (const kind of TABLES) saveTable(dir, kind, toListTable(tables[kind]));
  const forUser = toExplainedTable(m.forUser);
  saveTable(dir, 'forUser', forUser.lists);
  fs.writeFileSync(path.join(dir, 'forUser.signals.json'), JSON.stringify(forUser.signalNames));
  fs.writeFileSync(path.join(dir, 'forUser.signals.bin'), forUser.signals);
  const small: SmallLists = {
    popular: m.popular,
    trending: m.trending,
    trendingByCategory: [...m.trendingByCategory],
  };
  fs.writeFileSync(path.join(dir, 'popular.json'), JSON.stringify(small));
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
  const small = JSON.parse(fs.readFileSync(path.join(dir, 'popular.json'), 'utf8')) as SmallLists;
  const { dimensions, items } = JSON.parse(fs.readFileSync(path.join(dir, 'items.json'), 'utf8')) as {
    dimensions: number;
    items: string[];
  };
  const raw = fs.readFileSync(path.join(dir, 'embeddings.f32'));
  const vectors = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  return {
    metadata,
    embeddings: { items, index: new Map(items.map((item, i) => [item, i])), dimensions, vectors },
    similar: loadTable(dir, 'similar'),
    together: loadTable(dir, 'together'),
    forUser: loadExplained(dir, 'forUser'),
    recent: idsOnly(loadTable(dir, 'recent')),
    popular: small.popular,
    trending: small.trending,
    trendingByCategory: new Map(small.trendingByCategory),
  };
}

/** The newest complete model under a folder of models. */
/** The saved models under root, oldest first (their names are their training times). */
const modelDirs = (root: string): string[] =>
  fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((d) => fs.existsSync(path.join(root, d, 'metadata.json')))
        .sort()
    : [];

export function latestModelDir(root: string): string {
  const dirs = modelDirs(root);
  if (dirs.length === 0) throw new Error(`no trained model under ${root}: run \`npm run recommender -- train\` first`);
  return path.join(root, dirs.at(-1)!);
}

/** Deletes all but the newest `keep` saved models (scheduled retrains would fill the disk). */
export function pruneModelDirs(root: string, keep: number): string[] {
  const old = modelDirs(root).slice(0, -keep);
  for (const d of old) fs.rmSync(path.join(root, d), { recursive: true, force: true });
  return old;
}
