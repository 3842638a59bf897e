// Versioned indices behind one alias: `<alias>-<n>` are created, listed and switched here.
// Searches read the alias, so a new version goes live with one atomic alias action.
import type { EsClient } from '../common/clients/elasticsearch.ts';
import type { Config } from '../common/config.ts';
import { LIVE_FILTER, productIndexSettings, productMappings, readSynonyms } from './products.ts';

export interface IndexOptions {
  alias: string;
  shards: number;
  replicas: number;
  refreshInterval: string;
  synonymsFile: string;
}

export const indexOptionsOf = (c: Config): IndexOptions => ({
  alias: c.indexAlias,
  shards: c.indexShards,
  replicas: c.indexReplicas,
  refreshInterval: c.indexRefreshInterval,
  synonymsFile: c.synonymsFile,
});

export interface IndexVersion {
  name: string;
  version: number;
  docs: number;
  live: boolean;
  health: string;
  createdAt: string;
}

export class IndexLifecycleError extends Error {
  override name = 'IndexLifecycleError';
}

const versionOf = (alias: string, index: string): number | undefined => {
  const m = new RegExp(`^${alias.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)$`).exec(index);
  return m ? Number(m[1]) : undefined;
};

export async function listIndexVersions(es: EsClient, alias: string): Promise<IndexVersion[]> {
  const rows = await es.cat.indices({ index: `${alias}-*`, format: 'json', h: 'index,health,creation.date.string' });
  const aliased = await liveIndex(es, alias);
  const versions = (rows as Record<string, string>[])
    .map((r) => ({ r, version: versionOf(alias, r.index ?? '') }))
    .filter((x): x is { r: Record<string, string>; version: number } => x.version !== undefined);
  // The count API, not _cat: _cat counts nested attribute entries as documents.
  const out = await Promise.all(
    versions.map(async ({ r, version }) => ({
      name: r.index!,
      version,
      docs: (await es.count({ index: r.index! })).count,
      live: r.index === aliased,
      health: r.health ?? 'unknown',
      createdAt: r['creation.date.string'] ?? '',
    })),
  );
  return out.sort((a, b) => a.version - b.version);
}

/** The indices behind an alias, sorted; none when the alias does not exist. One round trip. */
export async function aliasIndices(es: EsClient, alias: string): Promise<string[]> {
  try {
    return Object.keys(await es.indices.getAlias({ name: alias })).sort();
  } catch (e) {
    if ((e as { meta?: { statusCode?: number } }).meta?.statusCode === 404) return [];
    throw e;
  }
}

/** The index the alias points at, or undefined when the alias does not exist. */
export async function liveIndex(es: EsClient, alias: string): Promise<string | undefined> {
  return (await aliasIndices(es, alias))[0];
}

/** Creates the next version `<alias>-<n+1>` (not yet live) and returns its name. */
export async function createIndexVersion(
  es: EsClient,
  opts: IndexOptions,
  overrides: Partial<Pick<IndexOptions, 'refreshInterval' | 'replicas'>> = {},
): Promise<string> {
  const existing = await listIndexVersions(es, opts.alias);
  const next = Math.max(0, ...existing.map((v) => v.version)) + 1;
  const index = `${opts.alias}-${next}`;
  await es.indices.create({
    index,
    settings: productIndexSettings({
      shards: opts.shards,
      replicas: overrides.replicas ?? opts.replicas,
      refreshInterval: overrides.refreshInterval ?? opts.refreshInterval,
      synonyms: readSynonyms(opts.synonymsFile),
    }),
    mappings: productMappings(),
    wait_for_active_shards: 1,
  });
  return index;
}

/**
 * The write alias `<alias>-write` names every index the indexer must write to: normally the live
 * one, and during a rebuild the new version as well, so it misses no event while it is built.
 */
export const writeAliasOf = (alias: string): string => `${alias}-write`;

export async function writeTargets(es: EsClient, alias: string): Promise<string[]> {
  const targets = await aliasIndices(es, writeAliasOf(alias));
  return targets.length > 0 ? targets : aliasIndices(es, alias);
}

export async function addWriteTarget(es: EsClient, alias: string, index: string): Promise<void> {
  await es.indices.updateAliases({ actions: [{ add: { index, alias: writeAliasOf(alias) } }] });
}

export async function removeWriteTarget(es: EsClient, alias: string, index: string): Promise<void> {
  await es.indices.updateAliases({ actions: [{ remove: { index, alias: writeAliasOf(alias) } }] });
}

/**
 * Makes `index` the live version in one atomic alias action: the read alias moves to it, and it
 * takes the previous live version's place among the write targets (a rollback moves writes too).
 */
export async function switchAlias(es: EsClient, alias: string, index: string): Promise<string | undefined> {
  if (versionOf(alias, index) === undefined)
    throw new IndexLifecycleError(`${index} is not a version of ${alias} (expected ${alias}-<n>)`);
  if (!(await es.indices.exists({ index }))) throw new IndexLifecycleError(`index ${index} does not exist`);
  const previous = await liveIndex(es, alias);
  const writeAlias = writeAliasOf(alias);
  const writing = await aliasIndices(es, writeAlias);
  const moved = previous !== undefined && previous !== index;
  await es.indices.updateAliases({
    actions: [
      ...(moved ? [{ remove: { index: previous, alias } }] : []),
      { add: { index, alias, filter: LIVE_FILTER } },
      ...(writing.includes(index) ? [] : [{ add: { index, alias: writeAlias } }]),
      ...(moved && writing.includes(previous) ? [{ remove: { index: previous, alias: writeAlias } }] : []),
    ],
  });
  return previous;
}

/** Makes sure the read and write aliases exist, creating version 1 behind them on a fresh cluster. */
export async function ensureLiveIndex(es: EsClient, opts: IndexOptions): Promise<string> {
  const live = await liveIndex(es, opts.alias);
  const writing = await aliasIndices(es, writeAliasOf(opts.alias));
  // Fields added to the mapping since an index was created are added to it too (adding is always
  // allowed), so the indexer can write them; older documents get them at the next rebuild.
  if (live)
    await es.indices.putMapping({
      index: [...new Set([live, ...writing])].join(','),
      properties: productMappings().properties!,
    });
  if (live && writing.length > 0) return live;
  const index = live ?? (await createIndexVersion(es, opts));
  await switchAlias(es, opts.alias, index);
  return index;
}

export async function deleteIndexVersion(es: EsClient, alias: string, index: string): Promise<void> {
  if (versionOf(alias, index) === undefined) throw new IndexLifecycleError(`${index} is not a version of ${alias}`);
  if ((await liveIndex(es, alias)) === index)
    throw new IndexLifecycleError(`${index} is live behind ${alias}; switch the alias first`);
  if ((await writeTargets(es, alias)).includes(index))
    throw new IndexLifecycleError(`${index} still receives writes (${writeAliasOf(alias)}); remove it first`);
  await es.indices.delete({ index });
}
