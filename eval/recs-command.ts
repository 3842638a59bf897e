// `eval recs`: no servers needed, training and measuring happen in this process (and the Python
// baselines in a child process).
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { readInteractionsFile } from '../recommender/interactions/read-file.ts';
import { applySettings } from '../recommender/training-settings.ts';
import { defaultTrainingOptions } from '../recommender/training-options.ts';
import { pythonBaselines } from './python-baselines.ts';
import { evalRecs } from './runners/recs.ts';

const say = (s: string) => process.stderr.write(`[eval] ${s}\n`);

export async function recsCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      interactions: { type: 'string' },
      cutoff: { type: 'string' },
      'no-python': { type: 'boolean' },
      set: { type: 'string', multiple: true },
      out: { type: 'string' },
      k: { type: 'string', default: '20' },
      'completion-k': { type: 'string', default: '10' },
    },
  });
  if (!values.interactions || !values.cutoff) throw new Error('--interactions and --cutoff are required');
  const cutoff = Date.parse(values.cutoff.length === 10 ? `${values.cutoff}T00:00:00Z` : values.cutoff);
  if (!Number.isFinite(cutoff)) throw new Error(`--cutoff is not a date: ${values.cutoff}`);
  const options = applySettings(defaultTrainingOptions, values.set ?? []);
  const { interactions, report: cleaning } = await readInteractionsFile(values.interactions);
  say(`read ${interactions.length} interactions (${JSON.stringify(cleaning)})`);
  const report = await evalRecs({
    interactions,
    cutoff,
    options,
    k: { next: Number(values.k), completion: Number(values['completion-k']) },
    external: values['no-python'] ? undefined : (before, tasks) => pythonBaselines(before, tasks, { next: Number(values.k), completion: Number(values['completion-k']) }, say),
    progress: say,
  });
  if (values.out) fs.writeFileSync(values.out, JSON.stringify(report, null, 2));
  for (const r of report.results) say(`${r.name.padEnd(14)} ${Object.entries(r.metrics).map(([m, v]) => `${m} ${v.toFixed(4)}`).join('  ')}  (train ${r.train_seconds}s)`);
  console.log(JSON.stringify({ cutoff: report.cutoff, tasks: report.tasks, results: report.results }));
  return 0;
}
