// Similar items for products nobody has bought yet: TF-IDF cosine over catalog text (title twice,
// brand, category path, description), through an inverted index so only items sharing a term are
// scored.
import type { Product } from '../../catalog/product.ts';
import { stem } from '../../common/stem.ts';
import { topK, type Scored } from './ranked-list.ts';

export function contentTerms(p: Product): string[] {
  const text = [p.title, p.title, p.brand, ...(p.categories ?? []), p.description?.slice(0, 500)]
    .filter(Boolean)
    .join(' ');
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 1 && !/^\d+$/.test(t))
    .map(stem);
}

type SparseVector = Map<string, number>;

function tfidfVectors(products: readonly Product[]): SparseVector[] {
  const docs = products.map(contentTerms);
  const df = new Map<string, number>();
  for (const terms of docs) for (const t of new Set(terms)) df.set(t, (df.get(t) ?? 0) + 1);
  return docs.map((terms) => {
    const v: SparseVector = new Map();
    for (const t of terms) v.set(t, (v.get(t) ?? 0) + 1);
    let norm = 0;
    for (const [t, tf] of v) {
      const w = (1 + Math.log(tf)) * Math.log(products.length / df.get(t)!);
      v.set(t, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [t, w] of v) v.set(t, w / norm);
    return v;
  });
}

/** Top-k content neighbours of the products `wanted` says yes to, among all products. */
export function contentNeighbours(
  products: readonly Product[],
  wanted: (id: string) => boolean,
  k: number,
): Map<string, Scored[]> {
  const vectors = tfidfVectors(products);
  const postings = new Map<string, [number, number][]>();
  vectors.forEach((v, doc) => {
    for (const [t, w] of v) {
      let list = postings.get(t);
      if (!list) postings.set(t, (list = []));
      list.push([doc, w]);
    }
  });
  const out = new Map<string, Scored[]>();
  products.forEach((p, doc) => {
    if (!wanted(p.id)) return;
    const scores = new Map<number, number>();
    for (const [t, w] of vectors[doc]!)
      for (const [other, w2] of postings.get(t)!)
        if (other !== doc) scores.set(other, (scores.get(other) ?? 0) + w * w2);
    const list = topK(
      [...scores].map(([other, s]) => [products[other]!.id, s]),
      k,
    );
    if (list.length > 0) out.set(p.id, list);
  });
  return out;
}
