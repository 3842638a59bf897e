// Report generation: a self-contained page with an inline SVG chart per view, and the Markdown summary.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reportHtml, reportMarkdown } from '../../eval/report-html.ts';
import type { SearchEvalReport } from '../../eval/runners/search.ts';
import type { SuggestEvalReport } from '../../eval/runners/suggest.ts';

const search: SearchEvalReport = {
  runner: 'search',
  queries: 2,
  k: 10,
  profile: 'default',
  metrics: { 'ndcg@10': 0.75, mrr: 1 },
  baseline: { 'ndcg@10': 0.5, mrr: 0.5 },
  ndcg_by_k: [
    { k: 1, ours: 0.9, baseline: 0.4 },
    { k: 10, ours: 0.75, baseline: 0.5 },
  ],
  per_query: [
    {
      id: 'q1',
      query: 'red <shoes>',
      metrics: { 'ndcg@10': 1, mrr: 1 },
      ranked: ['a'],
      baseline: { 'ndcg@10': 0.5, mrr: 0.5 },
    },
    {
      id: 'q2',
      query: 'lamp',
      metrics: { 'ndcg@10': 0.5, mrr: 1 },
      ranked: ['b'],
      baseline: { 'ndcg@10': 0.5, mrr: 0.5 },
    },
  ],
  interrupted: false,
};

describe('evaluation reports', () => {
  it('renders a search report with three charts as inline SVG and no script or external resource', async () => {
    const html = await reportHtml(search, 'eval <search>');
    assert.match(html, /^<!doctype html>/);
    assert.equal((html.match(/<svg /g) ?? []).length, 3);
    assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/);
    assert.match(html, /<title>eval &#60;search&#62;<\/title>/, 'titles are escaped');
    assert.match(html, /<td>ndcg@10<\/td><td>0\.7500<\/td><td>0\.5000<\/td>/);
  });

  it('renders a suggest report with its success-by-characters chart', async () => {
    const curve = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`success_after_${i + 1}`, (i + 1) / 10]));
    const suggest: SuggestEvalReport = {
      runner: 'suggest',
      train_searches: 10,
      test_searches: 5,
      test_queries: 3,
      suggestions: 7,
      metrics: { 'mrr@8': 0.6, ...curve },
      baseline: { 'mrr@8': 0.5, ...curve },
      unseen: { queries: 1, metrics: {}, baseline: {} },
      seen: { queries: 2, metrics: {}, baseline: {} },
      ceiling: { suggestions: { 'mrr@8': 0.7, ...curve }, any_query: { 'mrr@8': 0.9, ...curve } },
      with_recent_searches: { metrics: { 'mrr@8': 0.65, ...curve }, baseline: { 'mrr@8': 0.55, ...curve } },
      interrupted: false,
    };
    const html = await reportHtml(suggest, 'eval suggest');
    assert.equal((html.match(/<svg /g) ?? []).length, 1);
    assert.doesNotMatch(html, /success_after_/, 'the curve is charted, not tabled');
    assert.match(
      html,
      /<td>mrr@8<\/td><td>0\.6000<\/td><td>0\.5000<\/td><td>0\.6500<\/td><td>0\.5500<\/td><td>0\.7000<\/td><td>0\.9000<\/td>/,
      'with recent searches and ceilings beside ours and the baseline',
    );
  });

  it('summarizes a run in Markdown for a pull request', () => {
    assert.equal(
      reportMarkdown(search, 'run'),
      '### run\n\n| metric | ours | baseline (same run) |\n| --- | --- | --- |\n| ndcg@10 | 0.7500 | 0.5000 |\n| mrr | 1.0000 | 0.5000 |\n',
    );
  });
});
