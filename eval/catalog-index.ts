// An evaluation indexes the catalog it is given once: the alias is named after the file's content,
// so a second run over the same catalog reuses it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import type { Config } from '../common/config.ts';
import { rebuildFromCatalog } from '../indexer/rebuild.ts';
import { ensureLiveIndex, indexOptionsOf, liveIndex } from '../mappings/lifecycle.ts';
import { productMappings } from '../mappings/products.ts';

export async function evalIndexFor(
  es: EsClient,
  config: Config,
  catalogFile: string,
  log: (s: string) => void,
): Promise<string> {
  if (!fs.existsSync(catalogFile)) throw new Error(`catalog file not found: ${catalogFile}`);
  // A new mapping or synonyms file means a new index.
  const hash = createHash('sha1')
    .update(fs.readFileSync(catalogFile))
    .update(fs.readFileSync(config.synonymsFile))
    .update(JSON.stringify(productMappings()))
    .digest('hex')
    .slice(0, 12);
  const alias = `eval-${hash}`;
  if ((await liveIndex(es, alias)) && (await es.count({ index: alias })).count > 0) return alias;
  log(`indexing ${catalogFile} behind ${alias}`);
  const opts = { ...indexOptionsOf(config), alias };
  await ensureLiveIndex(es, opts);
  await rebuildFromCatalog(es, opts, { catalogFile, versionBase: 1, batchSize: 2000 });
  return alias;
}
