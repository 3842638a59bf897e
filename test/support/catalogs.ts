// The shared evaluation catalogs (../shared/data, or SHOP_DATA_DIR), indexed for tests, and read
// directly so tests can compute expected answers without the code under test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateDemoCatalog } from '../../catalog/demo.ts';
import type { Product } from '../../catalog/product.ts';
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import { projectRoot } from '../../common/config.ts';
import { rebuildFromCatalog } from '../../indexer/rebuild.ts';
import { ensureLiveIndex } from '../../mappings/lifecycle.ts';
import { testIndexOptions } from './stack.ts';

export const dataDir = process.env.SHOP_DATA_DIR ?? path.resolve(projectRoot, '..', 'shared', 'data');

export function dataFile(relative: string): string {
  const file = path.join(dataDir, relative);
  if (!fs.existsSync(file)) throw new Error(`test data missing: ${file} (set SHOP_DATA_DIR to the shared data folder)`);
  return file;
}

/** Writes the demo catalog to a temporary file. */
export function demoCatalogFile(count: number, seed: number): { file: string; products: Product[] } {
  const products = [...generateDemoCatalog({ count, seed })];
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'demo-')), 'catalog.ndjson');
  fs.writeFileSync(file, products.map((p) => JSON.stringify(p)).join('\n'));
  return { file, products };
}

/** Indexes a catalog file behind a new test alias; returns the alias. */
export async function indexCatalog(es: EsClient, file: string): Promise<string> {
  const opts = testIndexOptions();
  await ensureLiveIndex(es, opts);
  await rebuildFromCatalog(es, opts, { catalogFile: file, versionBase: 1, batchSize: 2000 });
  return opts.alias;
}
