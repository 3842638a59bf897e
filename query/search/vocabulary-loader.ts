// Builds the spelling vocabulary from the live index (titles, brands, categories) and rebuilds it
// in the background when the live version changes.
import type { EsClient } from '../../common/clients/elasticsearch.ts';
import type { Logger } from '../../common/logger.ts';
import type { LiveVersion } from './live-version.ts';
import { Vocabulary } from './spelling.ts';

export async function loadVocabulary(es: EsClient, alias: string, maxDocs = 100000): Promise<Vocabulary> {
  const vocabulary = new Vocabulary();
  let res = await es.search<{ title?: string; brand?: string; category_text?: string }>({
    index: alias,
    size: 2000,
    scroll: '30s',
    _source: ['title', 'brand', 'category_text'],
  });
  let seen = 0;
  while (res.hits.hits.length > 0 && seen < maxDocs) {
    for (const h of res.hits.hits) {
      const s = h._source ?? {};
      vocabulary.add(`${s.title ?? ''} ${s.category_text ?? ''}`);
      if (s.brand) vocabulary.add(s.brand, 2);
    }
    seen += res.hits.hits.length;
    res = await es.scroll({ scroll_id: res._scroll_id!, scroll: '30s' });
  }
  if (res._scroll_id) await es.clearScroll({ scroll_id: res._scroll_id }).catch(() => {});
  // Indexed here, in the background refresh, rather than by the first search that needs it.
  vocabulary.prepare();
  return vocabulary;
}

export interface VocabularyHolder {
  get(): Vocabulary | undefined;
  /** Loads (again) if the live version changed; resolves when done. */
  refresh(): Promise<void>;
  stop(): void;
}

export function holdVocabulary(
  es: EsClient,
  alias: string,
  live: LiveVersion,
  log: Logger,
  everyMs = 60000,
): VocabularyHolder {
  let current: Vocabulary | undefined;
  let builtFor: string | undefined;
  const refresh = async () => {
    const version = await live.get();
    if (version === builtFor) return;
    const t0 = performance.now();
    // No live index yet (a fresh cluster): nothing to learn words from.
    current = version === 'none' ? new Vocabulary() : await loadVocabulary(es, alias);
    builtFor = version;
    log.info({ version, words: current.size, ms: Math.round(performance.now() - t0) }, 'spelling vocabulary built');
  };
  const timer = setInterval(
    () => refresh().catch((err: Error) => log.warn({ err: err.message }, 'vocabulary refresh failed')),
    everyMs,
  );
  timer.unref();
  return { get: () => current, refresh, stop: () => clearInterval(timer) };
}
