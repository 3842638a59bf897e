// The Python reference recommenders (implicit ALS and BPR, gensim Word2Vec) run on the same
// baskets and tasks as ours, and LightGBM on the next-basket ranker's own feature rows, in a
// virtual environment the project creates in the stack folder.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, projectRoot } from '../common/config.ts';
import type { Basket } from '../recommender/interactions/interaction.ts';
import { featureNames } from '../recommender/models/next-basket-features.ts';
import type { RowScorer } from './ranker-ceiling.ts';
import { fill, popularityBaseline, type Recommender, type RecsTasks } from './runners/recs.ts';

const SCRIPT = path.join(projectRoot, 'bench', 'recs_baselines.py');
const GBDT_SCRIPT = path.join(projectRoot, 'bench', 'ranker_gbdt.py');
const REQUIREMENTS = path.join(projectRoot, 'bench', 'requirements-baselines.txt');

/** The venv's python, created and filled from the pinned requirements on first use. */
export function ensurePython(say: (s: string) => void): string {
  const venv = path.join(loadConfig().stackDir, 'python');
  const python = path.join(venv, 'bin', 'python');
  const stamp = path.join(venv, 'requirements.txt');
  const wanted = fs.readFileSync(REQUIREMENTS, 'utf8');
  if (fs.existsSync(python) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted) return python;
  say(`creating ${venv} with ${wanted.trim().split('\n').join(', ')}`);
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0)
      throw new Error(
        `${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.error?.message}); install python3 with venv and pip, or pass --no-python`,
      );
  };
  run('python3', ['-m', 'venv', venv]);
  run(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '-r', REQUIREMENTS]);
  fs.writeFileSync(stamp, wanted);
  return python;
}

interface PythonRankings {
  users: Record<string, string[]>;
  carts: string[][];
  train_seconds: number;
}

export async function pythonBaselines(
  before: readonly Basket[],
  tasks: RecsTasks,
  k: { next: number; completion: number },
  say: (s: string) => void,
): Promise<Recommender[]> {
  const python = ensurePython(say);
  const input = JSON.stringify({
    train: before.map((b) => [b.user ?? null, b.items]),
    users: [...tasks.nextBasket.keys()],
    carts: tasks.completion.map((t) => t.cart),
    k_next: k.next,
    k_completion: k.completion,
    seed: 42,
  });
  const child = spawn(python, [SCRIPT], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`${SCRIPT} exited with ${code}`);
  const results = JSON.parse(output) as Record<string, PythonRankings>;
  const pop = popularityBaseline(before);
  // measure() hands back the very cart arrays of the tasks, so identity finds each cart's answer.
  const cartIndex = new Map(tasks.completion.map((t, i) => [t.cart, i]));
  return Object.entries(results).map(([name, r]) => ({
    name,
    trainSeconds: r.train_seconds,
    forUser: (user, n) => fill(r.users[user] ?? [], pop.forUser(user, n), n),
    forCart: (cart, n) => fill(r.carts[cartIndex.get(cart as string[]) ?? -1] ?? [], pop.forCart(cart, n), n),
  }));
}

/** Gradient-boosted trees (LightGBM) trained on the ranker's own rows, scoring its candidates. */
export function gbdtScorer(say: (s: string) => void, seed: number): RowScorer {
  return async (train, candidates) => {
    const python = ensurePython(say);
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ranker-gbdt-'));
    try {
      const width = featureNames().length;
      fs.writeFileSync(
        path.join(folder, 'meta.json'),
        JSON.stringify({ features: featureNames(), train_rows: train.count, candidate_rows: candidates.count, seed }),
      );
      fs.writeFileSync(path.join(folder, 'train.x'), train.x.subarray(0, train.count * width));
      fs.writeFileSync(path.join(folder, 'train.y'), train.y.subarray(0, train.count));
      fs.writeFileSync(path.join(folder, 'candidates.x'), candidates.x);
      // Anything LightGBM prints goes to standard error: standard output ends with the report.
      const child = spawn(python, [GBDT_SCRIPT, folder], { stdio: ['ignore', process.stderr, 'inherit'] });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      if (code !== 0) throw new Error(`${GBDT_SCRIPT} exited with ${code}`);
      const bytes = fs.readFileSync(path.join(folder, 'candidates.score'));
      return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice();
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  };
}
