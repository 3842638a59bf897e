// The search engine the HTTP tier calls: searches and category pages through the answer cache,
// with the merchandiser rules in force and personalization after the cache; a session in an
// experiment gets its variant's profile and rules (cached apart, as both are in the cache key), or
// both rankings interleaved after the cache; explain, the category tree, product pages and rule
// previews. Knows nothing of HTTP.
import { NotFoundError } from '../../common/errors.ts';
import { assign } from '../../ranking/experiments/assign.ts';
import type { ExperimentTag, Variant } from '../../ranking/experiments/experiment.ts';
import { teamDraft } from '../../ranking/experiments/interleave.ts';
import { profileNamed } from '../../ranking/profile.ts';
import type { Rule } from '../../ranking/rules/rule.ts';
import type { HistorySimilarity } from '../../recommender/serve/history-similarity.ts';
import { type Answer, type AnswerDeps, cachedAnswer, rulesFor } from './answers.ts';
import { breadcrumbs, type CategoryTree, categoryExists, categoryTree } from './categories.ts';
import type { SearchParams } from './params.ts';
import { personalizedAnswer, type Shopper } from './personalized-answer.ts';
import { type ProductPage, productPage } from './product-page.ts';
import { previewRule, type RulePreview } from './rule-preview.ts';
import { rulesOrder } from './request.ts';
import { explained, runSearch, type SearchContext, type SearchResult } from './search-service.ts';

export interface SearchEngineDeps extends AnswerDeps {
  search: SearchContext;
  /** Similarity of products to a customer's recent items (the recommender's embeddings); off when absent. */
  personal?: HistorySimilarity;
}

export type ListingResult = SearchResult & {
  breadcrumbs?: { name: string; path: string }[];
  personalized?: number;
  experiment?: ExperimentTag;
};

export interface SearchEngine {
  /** A search, or with `categoryPage` the page of that category (404 when it has no products). */
  list(params: SearchParams, shopper: Shopper, categoryPage?: string): Promise<Answer<ListingResult>>;
  /** The same list with every score explained and the position each hit had without rules; never cached. */
  explain(params: SearchParams, categoryPage?: string): Promise<ListingResult>;
  categoryTree(under: string | undefined, depth: number): Promise<Answer<CategoryTree>>;
  product(id: string): Promise<Answer<ProductPage>>;
  previewRule(o: { rule: Rule; params: SearchParams; browse: boolean; channel?: string }): Promise<RulePreview>;
}

export function createSearchEngine(d: SearchEngineDeps): SearchEngine {
  const ctx = d.search;
  const ruleContext = (p: SearchParams, categoryPage?: string) => ({
    q: p.q,
    category: categoryPage ?? p.category,
    channel: p.channel,
  });
  /** One ranking's answer: through the cache, then personalized. */
  async function listOne(
    params: SearchParams,
    shopper: Shopper,
    categoryPage: string | undefined,
    selection?: Variant['rules'],
  ): Promise<Answer<ListingResult>> {
    const rules = await rulesFor(d, ruleContext(params, categoryPage), selection);
    const route = categoryPage ? 'browse' : 'search';
    // The channel changes an answer only through the rules that fire, which the rules key names:
    // left out, so made-up channels cannot fill the cache with copies of one answer.
    const { channel: _channel, ...keyed } = params;
    const answer = await cachedAnswer<ListingResult>(d, route, { ...keyed, rules: rules.key }, async () => {
      const result = await runSearch(ctx, params, categoryPage !== undefined, rules.effects);
      if (!categoryPage) return result;
      if (result.total === 0 && !(await categoryExists(ctx, categoryPage)))
        throw new NotFoundError(`no category "${categoryPage}"`);
      return { ...result, breadcrumbs: breadcrumbs(categoryPage) };
    });
    const profile = profileNamed(ctx.profiles, params.profile);
    const value = await personalizedAnswer(d.personal, profile, answer.value, params, shopper);
    return { ...answer, value };
  }
  const withVariant = (p: SearchParams, v: Variant): SearchParams => (v.profile ? { ...p, profile: v.profile } : p);

  return {
    async list(params, shopper, categoryPage) {
      const a = assign((await d.experiments.get()).value, 'search', shopper.session, d.now());
      if (!a) return listOne(params, shopper, categoryPage);
      const id = a.experiment.id;
      if (a.experiment.design === 'ab') {
        const answer = await listOne(withVariant(params, a.variant), shopper, categoryPage, a.variant.rules);
        return { ...answer, value: { ...answer.value, experiment: { id, variant: a.label } } };
      }
      // Interleaving: both rankings, unpersonalized, merged on the first page of the ranked order.
      const plain = { recent: [] };
      const [first, second] = await Promise.all(
        a.experiment.variants.slice(0, 2).map((v) => listOne(withVariant(params, v), plain, categoryPage, v.rules)),
      );
      const one = first!.value;
      if (params.page !== 1 || params.cursor || !rulesOrder(params) || one.redirect)
        return { ...first!, value: { ...one, experiment: { id, variant: a.label } } };
      const hitsById = new Map([...second!.value.hits, ...one.hits].map((h) => [h.id, h]));
      const merged = teamDraft(
        one.hits.map((h) => h.id),
        second!.value.hits.map((h) => h.id),
        params.size,
        `${shopper.session}:${categoryPage ?? ''}:${params.q ?? ''}`,
      );
      const hits = merged.ids.map((i) => hitsById.get(i)!);
      return { ...first!, value: { ...one, hits, experiment: { id, variant: a.label, teams: merged.teams } } };
    },
    async explain(params, categoryPage) {
      const rules = await rulesFor(d, ruleContext(params, categoryPage));
      const result = await explained(ctx, params, categoryPage !== undefined, rules.effects);
      return categoryPage ? { ...result, breadcrumbs: breadcrumbs(categoryPage) } : result;
    },
    async categoryTree(under, depth) {
      const answer = await cachedAnswer(d, 'categories', { under, depth }, async () => {
        const tree = await categoryTree(ctx, under, depth);
        if (!tree) throw new NotFoundError(`no category "${under}"`);
        return tree;
      });
      return answer;
    },
    async product(id) {
      const answer = await cachedAnswer(d, 'product', id, () => productPage(ctx, id));
      if (!answer.value.id) throw new NotFoundError(`no product "${id}"`);
      return answer;
    },
    async previewRule(o) {
      const { value: rules } = await d.rules.get();
      return previewRule(ctx, { ...o, rules, now: d.now() });
    },
  };
}
