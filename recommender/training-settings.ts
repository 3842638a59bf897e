// `--set item2vec.epochs=10`-style overrides of the training options, checked against the type of
// the default so a typo or a wrong type is an error, not a silently ignored flag.
import type { TrainingOptions } from './training-options.ts';

const CHOICES: Record<string, string[]> = {
  'cooccurrence.scoring': ['cosine', 'lift', 'count'],
  'cooccurrence.basketWeight': ['uniform', 'inverse-size'],
};

export function applySettings(base: TrainingOptions, settings: readonly string[]): TrainingOptions {
  const out = structuredClone(base) as unknown as Record<string, unknown>;
  for (const s of settings) {
    const eq = s.indexOf('=');
    if (eq < 1) throw new Error(`--set expects option=value, got "${s}"`);
    const path = s.slice(0, eq).split('.');
    const raw = s.slice(eq + 1);
    let node = out;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null) throw new Error(`unknown training option "${s.slice(0, eq)}"`);
      node = next as Record<string, unknown>;
    }
    const leaf = path.at(-1)!;
    const current = node[leaf];
    if (current === undefined || (typeof current === 'object' && current !== null))
      throw new Error(`unknown training option "${s.slice(0, eq)}"`);
    const allowed = CHOICES[s.slice(0, eq)];
    if (allowed && !allowed.includes(raw))
      throw new Error(`${s.slice(0, eq)} must be one of ${allowed.join(', ')}, got "${raw}"`);
    if (typeof current === 'number') {
      const n = Number(raw);
      if (raw === '' || !Number.isFinite(n)) throw new Error(`${s.slice(0, eq)} must be a number, got "${raw}"`);
      node[leaf] = n;
    } else if (typeof current === 'boolean') {
      if (!/^(true|false)$/.test(raw)) throw new Error(`${s.slice(0, eq)} must be true or false, got "${raw}"`);
      node[leaf] = raw === 'true';
    } else node[leaf] = raw;
  }
  return out as unknown as TrainingOptions;
}
