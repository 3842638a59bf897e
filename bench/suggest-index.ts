// The in-memory suggestion index at the scale to plan for: `--docs` synthetic phrases (default a
// million) over a Zipf-like vocabulary, built in this process; what it costs to build, what it
// holds (the index's own estimate beside the heap actually used), and how long a keystroke's match
// takes, for prefixes of 1 to 15 characters with typos in some. No servers needed.
import { seededRandom } from '../common/random.ts';
import { buildSuggestionIndex } from '../query/suggest/index/suggestion-index.ts';
import type { SuggestionEntry } from '../stores/suggestions.ts';
import { percentile, round, say } from './support.ts';

function syntheticEntries(count: number, rnd: () => number): SuggestionEntry[] {
  const letters = 'etaoinshrdlcumwfgypbvkjxqz0123456789';
  const vocabulary = Array.from({ length: 60000 }, () =>
    Array.from({ length: 2 + Math.floor(rnd() * 9) }, () => letters[Math.floor(rnd() ** 1.6 * letters.length)]).join(
      '',
    ),
  );
  // Word i is chosen with probability about 1/i: a few words are in many phrases, as in real queries.
  const word = () => vocabulary[Math.floor(vocabulary.length ** rnd()) - 1]!;
  const seen = new Set<string>();
  const out: SuggestionEntry[] = [];
  while (out.length < count) {
    const text = Array.from({ length: 1 + Math.floor(rnd() * 4) }, word).join(' ');
    if (seen.has(text)) continue;
    seen.add(text);
    out.push({ text, weight: Math.floor(1 / (rnd() + 1e-4)), source: rnd() < 0.2 ? 'catalog' : 'query' });
  }
  return out;
}

export async function suggestIndexBench(args: { docs: number }) {
  const rnd = seededRandom(42);
  const entries = syntheticEntries(args.docs, rnd);
  say(`${entries.length} synthetic suggestions`);
  // Typed arrays live outside the JavaScript heap: both count.
  const held = () => {
    globalThis.gc?.();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const heapBefore = held();
  const t0 = performance.now();
  const index = buildSuggestionIndex(entries);
  const buildMs = performance.now() - t0;
  const heapAfter = held();
  // Keystrokes on the way to existing phrases, one in five with a letter changed.
  const typed = Array.from({ length: 20000 }, () => {
    const text = entries[Math.floor(rnd() * entries.length)]!.text;
    let t = text.slice(0, 1 + Math.floor(rnd() * Math.min(15, text.length)));
    if (rnd() < 0.2 && t.length > 3) t = `${t.slice(0, 2)}q${t.slice(3)}`;
    return t;
  });
  const times: number[] = [];
  let found = 0;
  for (const t of typed) {
    const s = performance.now();
    found += index.match(t, 8).length;
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  return {
    bench: 'suggest-index',
    suggestions: index.size,
    build_s: round(buildMs / 1000, 2),
    estimated_mb: round(index.bytes / 2 ** 20, 1),
    // Heap and array buffers grown across the build, the entries themselves still held (exact with node --expose-gc).
    memory_growth_mb: round((heapAfter - heapBefore) / 2 ** 20, 1),
    exact_heap: typeof globalThis.gc === 'function',
    match_p50_us: round(percentile(times, 50) * 1000, 0),
    match_p99_us: round(percentile(times, 99) * 1000, 0),
    match_max_ms: round(times.at(-1)!, 2),
    mean_found: round(found / typed.length, 2),
  };
}
