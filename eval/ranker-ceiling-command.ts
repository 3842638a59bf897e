// `eval ranker-ceiling`: the next-basket ranker against a stronger learner on its own features and
// against the best orders of its candidates, on the same split as `eval recs`.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { applySettings } from '../recommender/training-settings.ts';
import { defaultTrainingOptions } from '../recommender/training-options.ts';
import { gbdtScorer } from './python-baselines.ts';
import { rankerCeiling } from './ranker-ceiling.ts';
import { splitOptions, trainAndTest } from './recs-command.ts';
import { tunedBaselines } from './tuned-baselines.ts';

const say = (s: string) => process.stderr.write(`[eval] ${s}\n`);

export async function rankerCeilingCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: splitOptions,
  });
  const { train, test } = await trainAndTest(values);
  const options = applySettings(defaultTrainingOptions, values.set ?? []);
  const k = Number(values.k);
  if (!Number.isInteger(k) || k < 1) throw new Error('--k must be a positive integer');
  const report = await rankerCeiling({
    train,
    test,
    options,
    k,
    learners: values['no-python']
      ? {}
      : { 'gradient-boosted trees (LightGBM, same rows)': gbdtScorer(say, options.nextBasket.ranker.seed) },
    baselines: (before) =>
      tunedBaselines(before, {
        k: { next: k, completion: 10 },
        validationDays: Number(values['validation-days']),
        seed: options.item2vec.seed,
        progress: say,
      }),
  });
  if (values.out) fs.writeFileSync(values.out, JSON.stringify(report, null, 2));
  for (const r of report.results)
    say(
      `${r.name.padEnd(46)} recall@${k} ${r.metrics[`recall@${k}`]!.toFixed(4)}  ndcg@${k} ${r.metrics[`ndcg@${k}`]!.toFixed(4)}  repeat ${r.metrics[`repeat_recall@${k}`]!.toFixed(4)}  explore ${r.metrics[`explore_recall@${k}`]!.toFixed(4)}  (${r.seconds}s)`,
    );
  console.log(JSON.stringify(report));
  return 0;
}
