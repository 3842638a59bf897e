// The InstantSearch storefront: Algolia's own libraries, unmodified, pointed at this service. The
// only shopsearch-specific part is the host given to the search client and to search-insights.
const { liteClient } = window['algoliasearch/lite'];
const { autocomplete } = window['@algolia/autocomplete-js'];
const { createQuerySuggestionsPlugin } = window['@algolia/autocomplete-plugin-query-suggestions'];
const { connectSearchBox } = instantsearch.connectors;
const { configure, hits, refinementList, hierarchicalMenu, rangeSlider, sortBy, pagination, stats } =
  instantsearch.widgets;

// The three-line change: this service is the host (the application id is not checked; the key is
// one of SHOP_API_KEYS, or any key where none are configured).
const host = { url: location.host, protocol: location.protocol.replace(':', ''), accept: 'readWrite' };
const searchClient = liteClient('shopsearch', 'storefront-key', { hosts: [host] });
const insights = { insightsClient: window.aa, insightsInitParams: { host: location.origin, useCookie: true } };

const INDEX = 'products';
const search = instantsearch({
  indexName: INDEX,
  searchClient,
  insights,
  future: { preserveSharedStateOnUnmount: true },
});

// Autocomplete is the search box: it sets InstantSearch's query through a search box without UI.
let setQuery = () => {};
const virtualSearchBox = connectSearchBox(({ refine }) => {
  setQuery = refine;
});
const money = (p, currency) =>
  p === undefined ? '' : new Intl.NumberFormat(undefined, { style: 'currency', currency: currency || 'USD' }).format(p);

search.addWidgets([
  virtualSearchBox({}),
  configure({ hitsPerPage: 12 }),
  hits({
    container: '#hits',
    templates: {
      item: (hit, { html, components }) => html`
        <article class="hit" data-id=${hit.objectID}>
          <h3>${components.Highlight({ hit, attribute: 'title' })}</h3>
          <p>${hit.brand ?? ''} · ${money(hit.price, hit.currency)}</p>
        </article>
      `,
      empty: (results, { html }) => html`<p>No results for “${results.query}”.</p>`,
    },
  }),
  hierarchicalMenu({
    container: '#categories',
    attributes: ['category.lvl0', 'category.lvl1', 'category.lvl2'],
    separator: ' > ',
  }),
  refinementList({ container: '#brand', attribute: 'brand', searchable: true, searchablePlaceholder: 'Search brands' }),
  rangeSlider({ container: '#price', attribute: 'price', pips: false }),
  sortBy({
    container: '#sort',
    items: [
      { label: 'Relevance', value: INDEX },
      { label: 'Price, low to high', value: `${INDEX}_price_asc` },
      { label: 'Price, high to low', value: `${INDEX}_price_desc` },
      { label: 'Top rated', value: `${INDEX}_rating` },
      { label: 'Newest', value: `${INDEX}_newest` },
    ],
  }),
  pagination({ container: '#pagination' }),
  stats({ container: '#stats' }),
]);
search.start();

const querySuggestions = createQuerySuggestionsPlugin({
  searchClient,
  indexName: `${INDEX}_query_suggestions`,
  getSearchParams: () => ({ hitsPerPage: 6 }),
  categoryAttribute: [INDEX, 'facets', 'exact_matches', 'categories'],
  itemsWithCategories: 1,
  categoriesPerItem: 3,
  // A category under the first suggestion searches that suggestion within the category.
  transformSource: ({ source }) => ({
    ...source,
    onSelect: ({ item }) => {
      const category = item.__autocomplete_qsCategory;
      search.setUiState((ui) => ({
        ...ui,
        [INDEX]: {
          ...ui[INDEX],
          query: item.query,
          page: 1,
          hierarchicalMenu: category ? { 'category.lvl0': category.split(' > ') } : ui[INDEX].hierarchicalMenu,
        },
      }));
    },
  }),
});
autocomplete({
  container: '#autocomplete',
  placeholder: 'Search products',
  openOnFocus: false,
  plugins: [querySuggestions],
  onSubmit: ({ state }) => setQuery(state.query),
  onReset: () => setQuery(''),
});
